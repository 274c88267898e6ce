import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import cliProgress from 'cli-progress';
import type { ImportResult, OnConflict } from '../core/bundle/index.ts';
import { dataOption, withCore } from './data-dir.ts';
import { defaultStorageUri } from '../contract/platforms.ts';
import { describePlan } from './plan-text.ts';
import { integerFlag, numberFlag, runPlatformExport, type PlatformExportFlags } from './platform-export.ts';

/**
 * `modeldesk export` and `modeldesk import` (DESIGN §6): they open the data directory
 * directly, no server needed. A progress bar is drawn only on a terminal, so scripts and
 * CI logs stay clean.
 */

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

interface ExportFlags extends PlatformExportFlags {
  data: string;
  format: 'modeldesk' | 'triton';
  withRequests: boolean;
  compress?: boolean;
}

export function addBundleCommands(program: Command): void {
  program
    .command('export')
    .description('write the registry (or some endpoints) to a .modeldesk bundle, or (--format triton) to a Triton repository with KServe and Seldon manifests')
    .argument('<target>', 'the bundle file to write (e.g. registry.modeldesk), or with --format triton a new or empty folder (OUT_DIR)')
    .addOption(dataOption())
    .addOption(new Option('--format <format>', 'modeldesk: one .modeldesk bundle; triton: a Triton model repository plus Kubernetes manifests').choices(['modeldesk', 'triton']).default('modeldesk'))
    .option('--endpoint <name>', 'export only this endpoint (repeat for several; --format triton: one)', (v: string, all: string[]) => [...all, v], [])
    .option('--with-requests', 'include the request log with feedback', false)
    .option('--compress', 'deflate every model file (default: only those a sample shows it pays for)')
    .option('--no-compress', 'store every model file as is')
    .option('--storage-uri <uri>', `--format triton: where OUT_DIR will be uploaded; the manifests' storageUri start with it (default ${defaultStorageUri})`)
    .option('--namespace <ns>', '--format triton: metadata.namespace of the Kubernetes manifests')
    .option('--parity-requests <n>', '--format triton: logged requests per version the parity check replays (default 100, at most 1000)', integerFlag)
    .option('--tolerance <x>', '--format triton: float difference the parity check allows, x max(1, |value|) (default 1e-6)', numberFlag)
    .option('--include-archived', '--format triton: also export archived versions')
    .action(async (target: string, options: ExportFlags) => {
      await withCore(options.data, async (core) => {
        if (options.format === 'triton') return runPlatformExport(core, target, options);
        const bar = progressBar('exporting');
        try {
          const manifest = await core.bundles.exportToFile(target, {
            endpoints: options.endpoint,
            includeRequests: options.withRequests,
            ...(options.compress === undefined ? {} : { compress: options.compress }),
            onProgress: (done, total) => bar.update(done, total)
          });
          bar.stop();
          const requests = manifest.requests ? `, ${manifest.requests.count} requests` : '';
          console.log(
            `Exported ${manifest.endpoints.length} endpoint(s), ${manifest.algorithms.length} algorithm(s), ` +
              `${manifest.ab_tests.length} A/B test(s)${requests} to ${resolve(target)}`
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
    .option('--allow-breaking-change <reason>', "import algorithms that break an endpoint's input contract anyway, for this reason (kept in the status history)")
    .option('--json', 'print the plan as JSON', false)
    .action(
      async (
        file: string,
        options: { data: string; dryRun: boolean; onConflict: OnConflict; renameSuffix?: string; allowBreakingChange?: string; json: boolean }
      ) => {
        await withCore(options.data, async (core) => {
          const bar = progressBar('verifying');
          let result: ImportResult;
          try {
            result = await core.bundles.import(resolve(file), {
              dryRun: options.dryRun,
              onConflict: options.onConflict,
              ...(options.renameSuffix === undefined ? {} : { renameSuffix: options.renameSuffix }),
              ...(options.allowBreakingChange === undefined ? {} : { allowBreakingChange: true, reason: options.allowBreakingChange }),
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
