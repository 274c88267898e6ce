import { resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { defaultStorageUri } from '../contract/platforms.ts';
import { exportPlatforms, ParityError, platformSources, type ParityMismatch, type PlatformExportResult } from '../core/bundle/platforms/index.ts';
import type { Core } from '../core/index.ts';

/**
 * `modeldesk export --format triton OUT_DIR` (issue 19 §1–2): a Triton model repository with
 * KServe and Seldon manifests, written only after the parity check passed. A mismatch prints
 * the differing answers as a table and exits 1, with nothing written.
 */

export interface PlatformExportFlags {
  endpoint: string[];
  storageUri?: string;
  namespace?: string;
  parityRequests?: number;
  tolerance?: number;
  includeArchived?: boolean;
}

export const integerFlag = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number');
  return n;
};

export const numberFlag = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a number of at least 0');
  return n;
};

export async function runPlatformExport(core: Core, outDir: string, flags: PlatformExportFlags): Promise<void> {
  if (flags.endpoint.length > 1) throw new Error('--format triton exports one endpoint (--endpoint NAME) or all of them');
  let result: PlatformExportResult;
  try {
    result = await exportPlatforms(platformSources(core), {
      outDir: resolve(outDir),
      storageUri: flags.storageUri ?? defaultStorageUri,
      ...(flags.endpoint[0] === undefined ? {} : { endpoint: flags.endpoint[0] }),
      ...(flags.namespace === undefined ? {} : { namespace: flags.namespace }),
      ...(flags.parityRequests === undefined ? {} : { parityRequests: flags.parityRequests }),
      ...(flags.tolerance === undefined ? {} : { tolerance: flags.tolerance }),
      ...(flags.includeArchived ? { includeArchived: true } : {})
    });
  } catch (err) {
    if (err instanceof ParityError) {
      console.error(mismatchTable(err.mismatches));
      throw new Error(`export stopped, nothing was written: the exported models answer ${err.mismatches.length} field(s) differently from ModelDesk (table above)`);
    }
    throw err;
  }
  console.log(`Exported ${result.models.length} model(s) to ${result.outDir}`);
  console.log(`  Triton repository: ${result.tritonRepository}   (tritonserver --model-repository=${result.tritonRepository})`);
  for (const m of result.models) console.log(`    ${m.name}  (${m.status ?? 'no status'}, max_batch_size ${m.maxBatchSize})`);
  console.log(`  Kubernetes manifests (storageUri ${flags.storageUri ?? defaultStorageUri}):`);
  for (const path of result.manifests) console.log(`    ${path}`);
  const checked = result.parity.reduce((n, p) => n + p.requests, 0);
  const examples = result.parity.filter((p) => p.inputExample).length;
  console.log(`  Parity: ${checked} logged request(s) and ${examples} input example(s) answered as ModelDesk did (see README.md)`);
  for (const warning of result.warnings) console.log(`  Warning: ${warning}`);
}

const cell = (value: unknown, width: number): string => {
  const text = String(value);
  return (text.length > width ? `${text.slice(0, width - 1)}…` : text).padEnd(width);
};

/** The differing answers: one row per field, what ModelDesk answered and what the exported graph answers. */
export function mismatchTable(mismatches: ParityMismatch[]): string {
  const header = ['model', 'source', 'request', 'field', 'ModelDesk', 'exported'];
  const widths = [44, 13, 8, 24, 30, 30];
  const json = (value: unknown) => JSON.stringify(value) ?? 'null';
  const rows = mismatches.map((m) => [m.model, m.source, m.requestId ?? '—', m.field, json(m.expected), json(m.actual)]);
  const line = (values: unknown[]) => values.map((v, i) => cell(typeof v === 'number' ? String(v) : v, widths[i]!)).join(' ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join(' '), ...rows.map(line)].join('\n');
}
