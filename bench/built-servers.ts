/**
 * The servers the bench starts, as built JavaScript: ModelDesk exactly as `npm run serve` runs it
 * (dist/server/main.js from `npm run build:server`), and the bench-only log-off server bundled the
 * same way (dist/bench-nolog-server.js), so that neither pays for a TypeScript loader the other
 * does not. Each is built once per bench process, the first time a server of its kind starts.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { build } from 'vite';
import serverConfig from '../vite.server.config.ts';
import { repoRoot } from './helpers.ts';

let cli: string | null = null;
let nolog: Promise<string> | null = null;

/** dist/server/main.js, built now if this process has not built it yet (MODELDESK_BENCH_CLI: one built elsewhere) */
export function builtCli(): string {
  if (process.env.MODELDESK_BENCH_CLI) return process.env.MODELDESK_BENCH_CLI;
  if (cli === null) {
    execFileSync('npm', ['run', 'build:server', '--silent'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
    cli = join(repoRoot, 'dist', 'server', 'main.js');
  }
  return cli;
}

/**
 * bench/modeldesk-nolog-server.ts bundled with the server's own build settings
 * (vite.server.config.ts), with its one entry instead of the server's. The file lands in dist/,
 * one folder below the repository root as bench/ is, so its repoRoot (bench/helpers.ts) still
 * finds db/migrations and models/.
 */
export function builtNologServer(): Promise<string> {
  nolog ??= build({
    ...serverConfig,
    configFile: false,
    logLevel: 'warn',
    root: repoRoot,
    build: {
      ...serverConfig.build,
      outDir: join(repoRoot, 'dist'),
      emptyOutDir: false,
      rollupOptions: {
        input: { 'bench-nolog-server': join(repoRoot, 'bench', 'modeldesk-nolog-server.ts') },
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'bench-chunks/[name]-[hash].js' }
      }
    }
  }).then(() => join(repoRoot, 'dist', 'bench-nolog-server.js'));
  return nolog;
}
