import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../db/open.ts';
import { servingDefaults } from '../../contract/serving-settings.ts';
import { RequestWriter, type RequestRow } from './request-writer.ts';
import { RowCodec } from './row-codec.ts';

const migrationsDir = join(import.meta.dirname, '..', '..', '..', 'db', 'migrations');

describe('RequestWriter (group commit)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'modeldesk-group-commit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives every caller the ids of its own rows, in order, when one commit holds calls of many sizes', async () => {
    const db = openDatabase(join(dir, 'modeldesk.db'), migrationsDir);
    db.sqlite.exec(`
      insert into endpoints (id, name, owner, description, created_at) values (1, 'e', 'o', '', '2026-01-01T00:00:00.000Z');
      insert into algorithms (id, endpoint_id, name, version, description, owner, code, artifact_sha256, artifact_bytes, signature, task, created_at)
        values (1, 1, 'a', '1', '', '', '', 'x', 1, '{}', 'classification', '2026-01-01T00:00:00.000Z');`);
    const codec = new RowCodec(db.sqlite, () => ({ version: '1', decode: null }));
    const writer = new RequestWriter(db.sqlite, codec);
    const row = (caller: number, k: number): RequestRow => ({
      endpointId: 1,
      algorithmId: 1,
      abTestId: null,
      shadow: false,
      record: { caller, k },
      answer: { status: 'OK', request_id: null, algorithm_id: 1, version: '1', ab_test_id: null, outputs: {} },
      maxLoggedRecordBytes: servingDefaults.max_logged_record_bytes,
      label: `${caller}:${k}`,
      status: 'OK',
      latencyUs: k,
      clientKey: null,
      createdAt: '2026-01-01T00:00:00.000Z'
    });
    const stored = db.sqlite.prepare('select algorithm_id as algorithmId, ab_test_id as abTestId, status, input, response, label, latency_us as latencyUs from requests where id = ?');
    const read = (id: number) => {
      const { input, response, label, latencyUs, ...keys } = stored.get(id) as { input: Buffer; response: Buffer; label: string; latencyUs: number; algorithmId: number; abTestId: null; status: 'OK' };
      return { input: codec.decode({ ...keys, input, response }).input, label, latencyUs };
    };

    // sizes that exercise every statement width (16, 4, 1) and their remainders
    for (const sizes of [[1], [37, 1, 3, 16, 5, 1000], [2, 2, 2, 2, 2, 2, 2, 2, 2]]) {
      const calls = sizes.map((n, caller) => writer.append(Array.from({ length: n }, (_, k) => row(caller, k))));
      const ids = await Promise.all(calls);
      expect(ids.map((list) => list.length)).toEqual(sizes);
      expect(new Set(ids.flat()).size).toBe(ids.flat().length);
      ids.forEach((list, caller) =>
        list.forEach((id, k) =>
          expect(read(id)).toEqual({ input: JSON.stringify({ caller, k }), label: `${caller}:${k}`, latencyUs: k })
        )
      );
    }
    await writer.close();
    db.close();
  });
});
