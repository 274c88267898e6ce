/**
 * Bytes on disk per logged request. Fills a fresh data directory's request log with N rows of
 * the income forest's answers (core.infer with 1,000-record calls, so every row goes through the
 * prediction path and the request writer exactly as the batch API writes it), moves the WAL into
 * the database file (`wal_checkpoint(TRUNCATE)`) and reports how much the file grew per row.
 *
 *   node --import tsx bench/log-bytes.ts [--rows 1000000] [--format current] [--json]
 *
 * The records are the 50 census records of the income fixture with the classic tutorial's
 * hyphenated keys, routed to the production forest (no A/B test, so one row per record).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../src-main/core/index.ts';
import { arg, benchRecords, classicRecord, endpointName, repoRoot } from './helpers.ts';

export interface LogBytesResult {
  rows: number;
  /** database file size after the checkpoint, bytes */
  fileBytes: number;
  /** growth of the database file per logged row, bytes */
  bytesPerRow: number;
  /** the file a million such rows make, bytes (measured when rows = 1,000,000) */
  millionRowsBytes: number;
  seconds: number;
}

/** the storage formats this script can write: `current`, what ModelDesk writes */
export type LogFormat = 'current';

export async function measureLogBytes(rows: number, _format: LogFormat = 'current'): Promise<LogBytesResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'modeldesk-log-bytes-'));
  const core = await createCore({ dataDir, migrationsDir: join(repoRoot, 'db', 'migrations'), modelsDir: join(repoRoot, 'models') });
  const file = join(dataDir, 'modeldesk.db');
  try {
    const call = benchRecords(1000).map(classicRecord);
    await core.infer(endpointName, { kind: 'body', body: call.slice(0, 1) });
    core.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const before = statSync(file).size;
    const rowsBefore = core.sqlite.prepare('select count(*) from requests').pluck().get() as number;
    const started = process.hrtime.bigint();
    for (let written = 0; written < rows; written += call.length) {
      await core.infer(endpointName, { kind: 'body', body: rows - written < call.length ? call.slice(0, rows - written) : call });
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    core.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const logged = (core.sqlite.prepare('select count(*) from requests').pluck().get() as number) - rowsBefore;
    const fileBytes = statSync(file).size;
    const bytesPerRow = (fileBytes - before) / logged;
    return { rows: logged, fileBytes, bytesPerRow, millionRowsBytes: before + bytesPerRow * 1e6, seconds };
  } finally {
    await core.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const isMain = process.argv[1]?.endsWith('log-bytes.ts');
if (isMain) {
  const result = await measureLogBytes(Number(arg('--rows') ?? 1_000_000), (arg('--format') ?? 'current') as LogFormat);
  if (process.argv.includes('--json')) console.log(JSON.stringify(result));
  else {
    console.log(
      `${result.rows.toLocaleString('en-US')} rows: ${(result.fileBytes / 2 ** 20).toFixed(1)} MiB after a checkpoint, ` +
        `${result.bytesPerRow.toFixed(1)} bytes per row (${result.seconds.toFixed(1)} s to write)`
    );
  }
}
