/**
 * Bytes on disk per logged request, as ModelDesk stores the request log and as it stored it
 * before issue #18 (input and response as JSON text), side by side.
 *
 * Fills a fresh data directory's request log with N rows of the income forest's answers
 * (core.infer with 1,000-record calls, so every row goes through the prediction path and the
 * request writer exactly as the batch API writes it), moves the WAL into the database file
 * (`wal_checkpoint(TRUNCATE)`) and reports how much the file grew per row. Then the same rows,
 * read back through the row codec, are written as JSON text into a second fresh database, in
 * transactions of 1,000 rows like the first, and measured the same way: the format every row had
 * before, and still has where it cannot be stored lean.
 *
 *   node --import tsx bench/log-bytes.ts [--rows 1000000] [--json]
 *
 * The records are the 50 census records of the income fixture with the classic tutorial's
 * hyphenated keys, routed to the production forest (no A/B test, so one row per record).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../src-main/core/index.ts';
import { algorithmFacts } from '../src-main/core/requests/algorithm-facts.ts';
import { RowCodec } from '../src-main/core/requests/row-codec.ts';
import { arg, benchRecords, classicRecord, endpointName, repoRoot } from './helpers.ts';

export interface LogBytesResult {
  rows: number;
  /** database file size after the checkpoint, bytes */
  fileBytes: number;
  /** growth of the database file per logged row, bytes */
  bytesPerRow: number;
  /** the file a million such rows make, bytes */
  millionRowsBytes: number;
  seconds: number;
}

export interface LogBytes {
  /** as ModelDesk stores rows now */
  current: LogBytesResult;
  /** as JSON text, the format before issue #18 */
  text: LogBytesResult;
}

async function freshCore(): Promise<{ core: Core; file: string; done: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'modeldesk-log-bytes-'));
  const core = await createCore({ dataDir, migrationsDir: join(repoRoot, 'db', 'migrations'), modelsDir: join(repoRoot, 'models') });
  return {
    core,
    file: join(dataDir, 'modeldesk.db'),
    done: async () => {
      await core.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
}

const checkpointedSize = (core: Core, file: string) => {
  core.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  return statSync(file).size;
};
const rowCount = (core: Core) => core.sqlite.prepare('select count(*) from requests').pluck().get() as number;

function result(rows: number, before: number, fileBytes: number, seconds: number): LogBytesResult {
  const bytesPerRow = (fileBytes - before) / rows;
  return { rows, fileBytes, bytesPerRow, millionRowsBytes: before + bytesPerRow * 1e6, seconds };
}

export async function measureLogBytes(rows: number): Promise<LogBytes> {
  const source = await freshCore();
  const target = await freshCore();
  try {
    const { core, file } = source;
    const call = benchRecords(1000).map(classicRecord);
    await core.infer(endpointName, { kind: 'body', body: call.slice(0, 1) });
    const before = checkpointedSize(core, file);
    const rowsBefore = rowCount(core);
    const started = process.hrtime.bigint();
    for (let written = 0; written < rows; written += call.length) {
      await core.infer(endpointName, { kind: 'body', body: rows - written < call.length ? call.slice(0, rows - written) : call });
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const current = result(rowCount(core) - rowsBefore, before, checkpointedSize(core, file), seconds);

    // the same rows as JSON text, in a database that went through the same start
    const codec = new RowCodec(core.sqlite, algorithmFacts(core.registry));
    const into = target.core.sqlite;
    await target.core.infer(endpointName, { kind: 'body', body: call.slice(0, 1) });
    const textBefore = checkpointedSize(target.core, target.file);
    const columns = 'endpoint_id, algorithm_id, ab_test_id, shadow, primary_request_id, input, response, label, status, latency_us, client_key, feedback, created_at';
    const insert = into.prepare(`insert into requests (${columns}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const write = into.transaction((batch: unknown[][]) => batch.forEach((params) => insert.run(params)));
    const read = core.sqlite.prepare(`select ${columns.replace('ab_test_id', 'ab_test_id as abTestId').replace('algorithm_id', 'algorithm_id as algorithmId')} from requests where id > ? order by id`);
    let batch: unknown[][] = [];
    for (const r of read.iterate(rowsBefore) as Iterable<Record<string, unknown> & Parameters<RowCodec['decode']>[0]>) {
      const texts = codec.decode(r);
      batch.push([r.endpoint_id, r.algorithmId, r.abTestId, r.shadow, r.primary_request_id, texts.input, texts.response, r.label, r.status, r.latency_us, r.client_key, r.feedback, r.created_at]);
      if (batch.length === 1000) {
        write(batch);
        batch = [];
      }
    }
    if (batch.length) write(batch);
    // (a copy, not the prediction path: no time to report)
    const text = result(rowCount(target.core) - 1, textBefore, checkpointedSize(target.core, target.file), NaN);
    return { current, text };
  } finally {
    await source.done();
    await target.done();
  }
}

if (process.argv[1]?.endsWith('log-bytes.ts')) {
  const result = await measureLogBytes(Number(arg('--rows') ?? 1_000_000));
  if (process.argv.includes('--json')) console.log(JSON.stringify(result));
  else {
    for (const [format, r] of Object.entries(result)) {
      console.log(
        `${format}: ${r.rows.toLocaleString('en-US')} rows, ${(r.fileBytes / 2 ** 20).toFixed(1)} MiB after a checkpoint, ` +
          `${r.bytesPerRow.toFixed(1)} bytes per row`
      );
    }
  }
}
