import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Option, type Command } from 'commander';
import cliProgress from 'cli-progress';
import { createCore, type Core } from '../core/index.ts';
import type { ImportResult, OnConflict } from '../core/bundle/index.ts';

/**
 * `modeldesk export` and `modeldesk import` (DESIGN §6): they open the data directory
 * directly, no server needed. A progress bar is drawn only on a terminal, so scripts and
 * CI logs stay clean.
 */

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const dataOption = () => new Option('--data <dir>', 'data directory (SQLite database and model files)').default('./.modeldesk');

export async function withCore<T>(data: string, run: (core: Core) => Promise<T>): Promise<T> {
  // no modelsDir: importing into a fresh directory must not seed the example models first
  const core = await createCore({ dataDir: resolve(data), migrationsDir: join(repoRoot, 'db', 'migrations') });
  try {
    return await run(core);
  } finally {
    await core.close();
  }
}

function progressBar(label: string): { update(done: number, total: number): void; stop(): void } {
  if (!process.stdout.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { format: `${label} |{bar}| {percentage}% {done}/{size} MB  ETA {eta_formatted}`, hideCursor: true },
    cliProgress.Presets.shades_classic
  );
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  let started = false;
  return {
    update(done, total) {
      if (!started) bar.start(total, 0, { done: mb(0), size: mb(total) });
      started = true;
      bar.update(done, { done: mb(done), size: mb(total) });
    },
    stop: () => started && bar.stop()
  };
}

export function addBundleCommands(program: Command): void {
  program
    .command('export')
    .description('write the registry (or some endpoints) to a .modeldesk bundle file')
    .argument('<file>', 'bundle to write, e.g. registry.modeldesk')
    .addOption(dataOption())
    .option('--endpoint <name>', 'export only this endpoint (repeat for several)', (v: string, all: string[]) => [...all, v], [])
    .option('--with-requests', 'include the request log with feedback', false)
    .option('--compress', 'deflate every model file (default: only those a sample shows it pays for)')
    .option('--no-compress', 'store every model file as is')
    .action(async (file: string, options: { data: string; endpoint: string[]; withRequests: boolean; compress?: boolean }) => {
      await withCore(options.data, async (core) => {
        const bar = progressBar('exporting');
        try {
          const manifest = await core.bundles.exportToFile(file, {
            endpoints: options.endpoint,
            includeRequests: options.withRequests,
            ...(options.compress === undefined ? {} : { compress: options.compress }),
            onProgress: (done, total) => bar.update(done, total)
          });
          bar.stop();
          const requests = manifest.requests ? `, ${manifest.requests.count} requests` : '';
          console.log(
            `Exported ${manifest.endpoints.length} endpoint(s), ${manifest.algorithms.length} algorithm(s), ` +
              `${manifest.ab_tests.length} A/B test(s)${requests} to ${resolve(file)}`
          );
        } finally {
          bar.stop();
        }
      });
    });

  program
    .command('import')
    .description('import a .modeldesk bundle into the registry (all or nothing)')
    .argument('<file>', 'bundle to read')
    .addOption(dataOption())
    .option('--dry-run', 'verify the bundle and show what would change, change nothing', false)
    .addOption(
      new Option('--on-conflict <mode>', 'a version that exists here with a different model: fail, skip or rename')
        .choices(['fail', 'skip', 'rename'])
        .default('fail')
    )
    .option('--rename-suffix <suffix>', 'with --on-conflict rename: import as <version>-<suffix>')
    .option('--json', 'print the plan as JSON', false)
    .action(
      async (
        file: string,
        options: { data: string; dryRun: boolean; onConflict: OnConflict; renameSuffix?: string; json: boolean }
      ) => {
        await withCore(options.data, async (core) => {
          const bar = progressBar('verifying');
          let result: ImportResult;
          try {
            result = await core.bundles.import(resolve(file), {
              dryRun: options.dryRun,
              onConflict: options.onConflict,
              ...(options.renameSuffix === undefined ? {} : { renameSuffix: options.renameSuffix }),
              onProgress: (done, total) => bar.update(done, total)
            });
          } finally {
            bar.stop();
          }
          console.log(options.json ? JSON.stringify(result, null, 2) : describePlan(result));
        });
      }
    );
}

function describePlan(r: ImportResult): string {
  const lines = [`Bundle of ${r.created_at} by ModelDesk ${r.app_version} (format ${r.format_version})`];
  lines.push(`Endpoints: ${r.endpoints.new.length} new, ${r.endpoints.identical.length} already here`);
  const a = r.algorithms;
  lines.push(`Algorithms: ${a.new.length} new, ${a.identical.length} identical, ${a.conflicts.length} conflicting`);
  for (const n of a.new) lines.push(`  + ${n.endpoint}/${n.name} ${n.version} (${n.status})`);
  for (const c of a.conflicts) {
    lines.push(`  ! ${c.endpoint}/${c.name} ${c.version}: a different model is registered here; --on-conflict ${c.resolution} ${c.action}`);
    if (c.resolution !== 'rename') lines.push(`    (--on-conflict rename would import it as version "${c.rename_to}")`);
  }
  const t = r.ab_tests;
  lines.push(`A/B tests: ${t.new.length} new, ${t.identical.length} already here, ${t.skipped.length} skipped`);
  for (const s of t.skipped) lines.push(`  - "${s.title}": ${s.reason}`);
  lines.push(`Requests: ${r.requests}; model files to add: ${r.artifacts.new} (${(r.artifacts.bytes / 1024 / 1024).toFixed(1)} MB)`);
  for (const note of r.notes) lines.push(`Note: ${note}`);
  const refused = a.conflicts.filter((c) => c.resolution === 'fail').length;
  if (r.dry_run && refused) lines.push(`The import would be refused (${refused} conflict(s)): choose --on-conflict skip or rename.`);
  lines.push(
    r.applied ? 'Imported.' : r.dry_run ? 'Dry run: nothing was changed.' : 'Nothing to import: everything in the bundle is already here.'
  );
  return lines.join('\n');
}
