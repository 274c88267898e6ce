import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predictEveryFixture, registerEveryFixture } from '../../../test/helpers/every-fixture.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import { algorithmFacts } from '../requests/algorithm-facts.ts';
import type { RequestRow } from '../requests/request-writer.ts';
import { RowCodec } from '../requests/row-codec.ts';
import { livePredictions, liveRecord, StoredRows, type StoredRow } from './stored-rows.ts';

/**
 * Drift counts a row from the `requests.logged` event (live) or from the table (after a restart,
 * an import, a backfill, a profile from requests), where it is stored lean or, for older rows, as
 * JSON text. The three must give drift the same record and prediction values, for every kind of
 * model the fixtures hold (classifiers with and without probabilities, regressors, tensor models).
 */
describe('the values drift reads of a logged row', () => {
  let server: TestServer;
  const live = new Map<number, RequestRow>();

  beforeAll(async () => {
    server = await startTestServer();
    server.core.events.on('requests.logged', ({ rows, ids }) => rows.forEach((row, i) => live.set(ids[i]!, row)));
    await predictEveryFixture(server, await registerEveryFixture(server), 3);
  }, 120_000);
  afterAll(() => server?.stop());

  it('are the same live, from a lean row, and from the same row as JSON text', () => {
    const codec = new RowCodec(server.core.sqlite, algorithmFacts(server.core.registry));
    const stored = new StoredRows(codec);
    const rows = server.core.sqlite
      .prepare('select id, algorithm_id as algorithmId, ab_test_id as abTestId, status, label, input, response from requests order by id')
      .all() as (StoredRow & { id: number })[];
    expect(rows.length).toBeGreaterThan(50);
    expect(rows.filter((r) => Buffer.isBuffer(r.input) && Buffer.isBuffer(r.response)).length, 'rows stored lean').toBeGreaterThan(rows.length / 2);
    for (const row of rows) {
      const event = live.get(row.id)!;
      const fromEvent = { record: liveRecord(event), predictions: livePredictions(event) };
      const asText = { ...row, ...codec.decode({ ...row, status: row.status as 'OK' | 'Error' }) };
      expect(stored.values(row), `row ${row.id}`).toEqual(fromEvent);
      expect(stored.values(asText), `row ${row.id} as text`).toEqual(fromEvent);
    }
    // a classifier's probability and a regressor's prediction reach drift
    expect(rows.some((r) => typeof stored.values(r)?.predictions?.probability === 'number')).toBe(true);
    expect(rows.some((r) => typeof stored.values(r)?.predictions?.prediction === 'number')).toBe(true);
  });

  it('reads a record too large to log whole as no record, live and stored', () => {
    const row: RequestRow = { ...(live.values().next().value as RequestRow), record: { age: 37, note: 'ü'.repeat(600) }, maxLoggedRecordBytes: 1024 };
    expect(liveRecord(row)).toBeNull();
    const marker = JSON.stringify({ $truncated: { bytes: 3000, limit: 1024, sha256: '0'.repeat(64), preview: '{"age":' } });
    const stored = new StoredRows(new RowCodec(server.core.sqlite, algorithmFacts(server.core.registry)));
    expect(stored.values({ algorithmId: row.algorithmId, abTestId: null, status: 'Error', label: 'error', input: marker, response: '{}' })).toEqual({ record: null, predictions: undefined });
  });
});
