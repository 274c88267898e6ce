import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTruncatedRecord } from '../contract/logged-record.ts';
import { servingDefaults } from '../contract/serving-settings.ts';
import { tutorialRecord } from '../../test/fixtures/index.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';

/**
 * A record far larger than any model needs is answered, but not logged verbatim: three 15 MB
 * records used to add 46 MB to the database and 15 MB of WAL (issue 20, item 9). Over
 * `max_logged_record_bytes` the log keeps a marker with the record's size, hash and first
 * characters.
 */
describe('the size of a logged record', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(() => server.stop());

  const predict = (record: unknown) => server.json('/api/v1/income_classifier/predict', { method: 'POST', json: record });
  const loggedInput = async (id: number) => JSON.parse((await server.json(`/api/v1/mlrequests/${id}`, { admin: true })).body.input_data);
  const databaseBytes = () =>
    ['modeldesk.db', 'modeldesk.db-wal'].reduce((n, f) => n + (statSync(join(server.dataDir, f), { throwIfNoEntry: false })?.size ?? 0), 0);

  it('answers a 15 MB record as usual and logs a marker in its place', async () => {
    expect(servingDefaults.max_logged_record_bytes).toBe(1_048_576);
    const huge = { ...tutorialRecord, notes: 'x'.repeat(15 * 2 ** 20) };
    const json = JSON.stringify(huge);
    const before = databaseBytes();
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await predict(huge));
    for (const { status, body } of answers) expect({ status, label: body.status }).toEqual({ status: 200, label: 'OK' });
    expect(answers[0]!.body.label).toBe((await predict(tutorialRecord)).body.label);

    const logged = await loggedInput(answers[0]!.body.request_id);
    expect(isTruncatedRecord(logged)).toBe(true);
    expect(logged.$truncated).toEqual({
      bytes: Buffer.byteLength(json),
      limit: 1_048_576,
      sha256: createHash('sha256').update(json).digest('hex'),
      preview: json.slice(0, 256)
    });
    // three such calls used to add 46 MB; now a few KB
    expect(databaseBytes() - before).toBeLessThan(2 * 2 ** 20);
  });

  it('keeps records within the limit as they were sent, and the limit is a serving setting applied live', async () => {
    const small = await predict(tutorialRecord);
    expect(await loggedInput(small.body.request_id)).toEqual(tutorialRecord);

    const patched = await server.json('/api/v1/serving', { method: 'PATCH', admin: true, json: { max_logged_record_bytes: 2048 } });
    expect(patched.status).toBe(200);
    const medium = { ...tutorialRecord, notes: 'é'.repeat(1500) }; // 3,000 bytes of UTF-8 in 1,500 characters
    const answered = await predict(medium);
    expect(answered.body.status).toBe('OK');
    expect((await loggedInput(answered.body.request_id)).$truncated).toMatchObject({ bytes: Buffer.byteLength(JSON.stringify(medium)), limit: 2048 });
    expect(await loggedInput((await predict(tutorialRecord)).body.request_id)).toEqual(tutorialRecord);

    const tooSmall = await server.json('/api/v1/serving', { method: 'PATCH', admin: true, json: { max_logged_record_bytes: 10 } });
    expect(tooSmall.status).toBe(400);
    expect(tooSmall.body.field).toBe('max_logged_record_bytes');
  });
});
