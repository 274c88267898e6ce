/**
 * Durability check: ModelDesk answers a prediction only after its request-log row committed,
 * so every request_id a client received must survive a crash. Starts ModelDesk, drives it
 * with concurrent keep-alive clients (single records and small arrays), records every
 * request_id acknowledged with HTTP 200, `kill -9`s the server in the middle of the load,
 * then opens the SQLite file and looks for each acknowledged id.
 *
 *   node --import tsx bench/durability.ts [--connections 16] [--load-ms 3000]
 */
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { arg, benchRecords, classicRecord, endpointName, sleep } from './helpers.ts';
import { startModelDesk } from './servers.ts';

export interface DurabilityResult {
  acknowledged: number;
  missing: number;
  /** rows in the log after the crash (may exceed acknowledged: committed, answer not yet read) */
  rowsInDatabase: number;
  killedAfterMs: number;
  connections: number;
}

export async function checkDurability(connections = 16, loadMs = 3000): Promise<DurabilityResult> {
  const server = await startModelDesk({ keepData: true });
  const dataDir = server.dataDir!;
  const acknowledged: number[] = [];
  const records = benchRecords(50).map(classicRecord);
  let stop = false;

  const client = async (c: number) => {
    for (let i = c; !stop; i++) {
      // every 10th call is a small array (the batch API): its rows are acknowledged together
      const many = i % 10 === 0;
      const body = many ? records.slice(i % 40, (i % 40) + 5) : records[i % records.length];
      try {
        const res = await fetch(`${server.url}/api/v1/${endpointName}/predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body)
        });
        if (res.status !== 200) {
          await res.arrayBuffer();
          continue;
        }
        const json = (await res.json()) as { request_id?: number; predictions?: { request_id: number }[] };
        if (many) for (const p of json.predictions ?? []) acknowledged.push(p.request_id);
        else if (typeof json.request_id === 'number') acknowledged.push(json.request_id);
      } catch {
        if (stop) return;
        await sleep(1);
      }
    }
  };

  const clients = Array.from({ length: connections }, (_, c) => client(c));
  const started = Date.now();
  await sleep(loadMs);
  server.kill9();
  const killedAfterMs = Date.now() - started;
  stop = true;
  await Promise.all(clients);
  await sleep(100);

  // Opening the file runs SQLite's WAL recovery, exactly as the next start of ModelDesk would.
  const db = new Database(join(dataDir, 'modeldesk.db'));
  try {
    const has = db.prepare('select 1 from requests where id = ?').pluck();
    const missing = acknowledged.filter((id) => has.get(id) === undefined).length;
    const rowsInDatabase = db.prepare('select count(*) from requests').pluck().get() as number;
    return { acknowledged: acknowledged.length, missing, rowsInDatabase, killedAfterMs, connections };
  } finally {
    db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const isMain = process.argv[1]?.endsWith('durability.ts');
if (isMain) {
  const result = await checkDurability(Number(arg('--connections') ?? 16), Number(arg('--load-ms') ?? 3000));
  console.log(JSON.stringify(result));
  process.exit(result.missing === 0 && result.acknowledged > 0 ? 0 : 1);
}
