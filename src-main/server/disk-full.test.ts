import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { fixtureSample } from '../../test/fixtures/index.ts';
import { startTestServer, type TestServer } from '../../test/helpers/server.ts';
import { canMountSmallDisks, mountSmallDisk } from '../../test/helpers/small-disk.ts';

/**
 * A disk too small for the request log (issue #18), seen from the lean log's side: what was
 * acknowledged is exactly what is logged, and the file stays sound. Where this process may mount
 * (root on Linux: test/helpers/small-disk.ts), the data folder is a 12 MiB tmpfs filled with a
 * file, so SQLite meets the real ENOSPC. Elsewhere the full disk is simulated inside SQLite with
 * `PRAGMA max_page_count` on the serving connection: SQLite then answers SQLITE_FULL, the same
 * error a full disk gives, through the same path (the WriteGate's storage-fault classification,
 * core/storage/faults.ts). Either way the server must refuse with 507, answer nothing it did not
 * log, and recover once there is room, without a restart. storage-faults.test.ts holds the rest
 * (health, messages for the other stores).
 */
interface FullDisk {
  /** how the full disk is made, for the test's name in the report */
  how: string;
  fill(server: TestServer): void;
  free(server: TestServer): void;
  remove(): void;
}

function fullDisk(dir: string): FullDisk {
  if (!canMountSmallDisks()) {
    return {
      how: 'simulated with PRAGMA max_page_count (this process may not mount a tmpfs)',
      fill: (server) => server.core.sqlite.pragma(`max_page_count = ${Number(server.core.sqlite.pragma('page_count', { simple: true }))}`),
      free: (server) => server.core.sqlite.pragma('max_page_count = 4294967294'),
      remove: () => rmSync(dir, { recursive: true, force: true })
    };
  }
  const disk = mountSmallDisk(dir, 12 * 2 ** 20);
  let filler: { release(): void } | null = null;
  return {
    how: 'a 12 MiB tmpfs filled with a file',
    fill: () => void (filler = disk.fill()),
    free: () => filler?.release(),
    remove: () => {
      disk.unmount();
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const iris = fixtureSample('iris_lr');

describe('a full disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'modeldesk-small-disk-'));
  const disk = fullDisk(dir);

  it(`refuses predictions with 507, loses nothing it acknowledged, and recovers once space is freed (${disk.how})`, async () => {
    const server = await startTestServer({ seed: false, dataDir: join(dir, 'data') });
    onTestFinished(async () => {
      await server.stop();
      disk.remove();
    });
    const registered = await server.register('iris_lr', {
      endpoint: 'iris',
      name: 'lr',
      version: '1',
      status: 'production',
      feature_names: JSON.stringify(iris.featureNames)
    });
    expect(registered.status).toBe(201);
    const batch = Array.from({ length: 100 }, (_, i) => iris.records[i % iris.records.length]);
    const predict = () => server.json('/api/v1/iris/predict', { method: 'POST', json: batch });
    const acknowledged: number[] = [];
    const keep = (body: any) => acknowledged.push(...(body.predictions as { request_id: number }[]).map((p) => p.request_id));
    keep((await predict()).body);

    disk.fill(server);
    // pages the log already has are reused, so a few calls may still fit: the next ones do not
    let refused: { status: number; body: any } | null = null;
    for (let i = 0; i < 500 && !refused; i++) {
      const res = await predict();
      if (res.status === 200) keep(res.body);
      else refused = res;
    }
    expect(refused?.status).toBe(507);
    expect(refused?.body).toMatchObject({ status: 'Error' });
    expect(refused?.body.message).toContain('the disk is full');
    expect(refused?.body.message).toContain('the request log');
    // still full: still refused, and the server keeps running
    expect((await predict()).status).toBe(507);
    expect((await server.json('/v2/health/live')).status).toBe(200);

    disk.free(server);
    const recovered = await predict();
    expect(recovered.status).toBe(200);
    keep(recovered.body);

    // every acknowledged row is in the log, and only those: a refused call logged nothing
    const logged = server.core.sqlite.prepare('select id from requests order by id').pluck().all() as number[];
    expect(logged).toEqual([...acknowledged].sort((a, b) => a - b));
    expect(server.core.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    // and another connection reads them from the file
    const reopened = new Database(join(dir, 'data', 'modeldesk.db'), { readonly: true });
    expect(reopened.prepare('select count(*) from requests').pluck().get()).toBe(acknowledged.length);
    reopened.close();
  });
});
