/**
 * Registry bundles with a big model (issue #5): exports and imports a registry holding a
 * generated 500 MB ONNX model and records wall time and peak RSS in docs/BENCHMARKS.md.
 *
 *   npx tsx bench/bundle.bench.ts [--mb 500] [--dir /some/disk]   (npm run bench:bundle)
 *
 * Each phase runs in its own child process and reports the kernel's peak RSS for that
 * process (getrusage ru_maxrss), so one phase's memory cannot hide in another's. The point
 * to check: export and import stay far below the model size (streams, bounded memory).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import onnxProto from 'onnx-proto';
import { createCore, type Core } from '../src-main/core/index.ts';
import { arg, repoRoot } from './helpers.ts';
import { writeSection } from './report.ts';

const { onnx } = onnxProto;
const migrationsDir = join(repoRoot, 'db', 'migrations');
const startMarker = '<!-- bundles:start -->';
const endMarker = '<!-- bundles:end -->';
const record = { a: 1, b: 2, c: 3, d: 4 };

interface PhaseResult {
  phase: string;
  seconds: number;
  peakRssBytes: number;
  detail: Record<string, unknown>;
}

/** A valid regression model: y = x·w + big[0]; `big` is the float initializer that makes the file `mb` MB. */
function bigModel(mb: number): Uint8Array {
  const big = new Float32Array((mb * 1024 * 1024) / 4);
  let s = 0x9e3779b9;
  for (let i = 0; i < big.length; i++) {
    // xorshift32: dense, varied weights that deflate about as little as real ones
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    big[i] = ((s >>> 0) / 0xffffffff - 0.5) * 0.1;
  }
  const tensor = (name: string, dims: number[], data: Float32Array) =>
    ({ name, dims, dataType: 1, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'modeldesk-bench',
    opsetImport: [{ domain: '', version: 15 }],
    graph: {
      name: 'big',
      input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: 4 }] } } } }],
      output: [{ name: 'y', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: 1 }] } } } }],
      initializer: [
        tensor('w', [4, 1], new Float32Array([0.5, -0.25, 0.125, 1])),
        tensor('big', [big.length], big),
        { name: 'first', dims: [1], dataType: 7, int64Data: [0] }
      ],
      node: [
        { opType: 'MatMul', input: ['x', 'w'], output: ['xw'] },
        { opType: 'Gather', input: ['big', 'first'], output: ['b'] },
        { opType: 'Add', input: ['xw', 'b'], output: ['y'] }
      ]
    }
  });
  return onnx.ModelProto.encode(model).finish();
}

async function predictOnce(core: Core): Promise<unknown> {
  const result = await core.infer('big', { kind: 'body', body: record });
  return result.answers[0]?.prediction;
}

/** One phase, in this (child) process. */
async function runPhase(phase: string, a: string, b: string, file: string, mb: number): Promise<PhaseResult> {
  const started = performance.now();
  const detail: Record<string, unknown> = {};
  const open = (dataDir: string) => createCore({ dataDir, migrationsDir });
  if (phase === 'baseline') {
    await (await open(join(a, '..', 'empty'))).close();
  } else if (phase === 'setup') {
    const bytes = bigModel(mb);
    const core = await open(a);
    const algorithm = await core.registry.register({ file: bytes, endpoint: 'big', name: 'big net', version: '1', status: 'production', featureNames: Object.keys(record) });
    detail.sha256 = algorithm.artifactSha256;
    detail.bytes = algorithm.artifactBytes;
    detail.prediction = await predictOnce(core);
    await core.close();
  } else if (phase === 'export' || phase === 'export-deflated' || phase === 'export-stored') {
    const core = await open(a);
    const compress = { export: undefined, 'export-deflated': true, 'export-stored': false }[phase];
    await core.bundles.exportToFile(file, compress === undefined ? {} : { compress });
    await core.close();
    detail.bundleBytes = statSync(file).size;
  } else if (phase === 'import' || phase === 'import-dry-run') {
    const core = await open(b);
    const result = await core.bundles.import(file, { dryRun: phase === 'import-dry-run' });
    detail.applied = result.applied;
    detail.sha256 = core.registry.listAlgorithms()[0]?.artifactSha256 ?? null;
    await core.close();
  } else if (phase === 'predict-imported') {
    const core = await open(b);
    detail.prediction = await predictOnce(core);
    await core.close();
  } else {
    throw new Error(`unknown phase ${phase}`);
  }
  return { phase, seconds: (performance.now() - started) / 1000, peakRssBytes: process.resourceUsage().maxRSS * 1024, detail };
}

async function child(phase: string, a: string, b: string, file: string, mb: number): Promise<PhaseResult> {
  const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
  const args = [join(repoRoot, 'bench', 'bundle.bench.ts'), '--phase', phase, '--a', a, '--b', b, '--file', file, '--mb', String(mb)];
  const { stdout } = await promisify(execFile)(tsx, args, { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`phase ${phase} printed no result:\n${stdout}`);
  return JSON.parse(line.slice('RESULT '.length)) as PhaseResult;
}

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MiB`;

function render(results: PhaseResult[], mb: number): string {
  const baseline = results.find((r) => r.phase === 'baseline')!;
  const row = (r: PhaseResult, what: string) =>
    `| ${what} | ${r.seconds.toFixed(1)} s | ${mib(r.peakRssBytes)} | ${mib(r.peakRssBytes - baseline.peakRssBytes)} |`;
  const get = (phase: string) => results.find((r) => r.phase === phase)!;
  const size = (phase: string) => mib(Number(get(phase).detail.bundleBytes));
  return [
    startMarker,
    '## Registry bundles',
    '',
    `Generated by \`npm run bench:bundle\` (bench/bundle.bench.ts) on ${new Date().toISOString().slice(0, 10)}; the script rewrites ` +
      'everything between the bundles markers. A registry holding one generated ' +
      `${mb} MiB ONNX model (a valid regression graph with a ${mb} MiB float initializer, registered through ` +
      '`Registry.register`, so onnxruntime loaded it) is exported to a `.modeldesk` file and imported into a fresh data ' +
      'directory. Each phase runs in its own process; peak RSS is the kernel\'s high-water mark for that process ' +
      '(getrusage), and the last column subtracts the fixed cost of a process that only opens the core ' +
      `(Node, tsx, onnxruntime, SQLite: ${mib(baseline.peakRssBytes)}).`,
    '',
    `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${mib(totalmem())} RAM, Node ${process.version}. ` +
      'Files are written and read on one disk; each import reads a bundle that was just written, so mostly from the page cache.',
    '',
    '| phase | wall time | peak RSS | above an idle core |',
    '|---|---|---|---|',
    row(get('export'), `export (default: deflate judged per file, here stored) → ${size('export')} bundle`),
    row(get('export-deflated'), `export \`--compress\` (deflate forced) → ${size('export-deflated')} bundle`),
    row(get('export-stored'), `export \`--no-compress\` → ${size('export-stored')} bundle`),
    row(get('import-dry-run'), 'import `--dry-run` (every entry inflated and hashed, nothing written)'),
    row(get('import'), 'import into an empty registry (verify, write, one transaction)'),
    '',
    `For scale: generating and registering the model (the whole file in memory, loaded once in onnxruntime) peaked at ${mib(get('setup').peakRssBytes)}. ` +
      `The imported model predicts what the original predicted (${JSON.stringify(get('setup').detail.prediction)} for the same record).`,
    '',
    'Memory stays bounded because nothing holds a model file: export pipes each file from disk into the ZIP stream, ' +
      'import inflates each entry through a SHA-256 hash into a temp file and moves it into the store with a rename. ' +
      'Deflate is what costs time (~35 MB/s on dense float weights, which shrink by under 10%), so by default the ' +
      'export deflates a model file only when 1 MiB sampled from its middle shrinks by at least 10%: tree ensembles ' +
      '(which shrink ~9x, fast) are deflated, dense neural nets like this one are stored. The import (the default ' +
      'bundle here) is bounded by hashing and writing.',
    endMarker
  ].join('\n');
}

async function main(): Promise<void> {
  const mb = Number(arg('--mb') ?? 500);
  const root = mkdtempSync(join(arg('--dir') ?? tmpdir(), 'modeldesk-bundle-bench-'));
  const [a, b, file] = [join(root, 'a'), join(root, 'b'), join(root, 'registry.modeldesk')];
  const results: PhaseResult[] = [];
  try {
    // the default export runs last, so the imports read the bundle users get by default
    for (const phase of ['baseline', 'setup', 'export-deflated', 'export-stored', 'export', 'import-dry-run', 'import', 'predict-imported']) {
      const result = await child(phase, a, b, file, mb);
      results.push(result);
      console.log(`${phase.padEnd(17)} ${result.seconds.toFixed(1).padStart(6)} s   peak RSS ${mib(result.peakRssBytes).padStart(9)}   ${JSON.stringify(result.detail)}`);
    }
    const [setup, imported, predicted] = ['setup', 'import', 'predict-imported'].map((p) => results.find((r) => r.phase === p)!);
    if (imported!.detail.sha256 !== setup!.detail.sha256) throw new Error('imported model differs from the exported one');
    if (JSON.stringify(predicted!.detail.prediction) !== JSON.stringify(setup!.detail.prediction)) throw new Error('imported model predicts differently');
    writeSection(join(repoRoot, 'docs', 'BENCHMARKS.md'), render(results, mb), { start: startMarker, end: endMarker });
    console.log('docs/BENCHMARKS.md updated (## Registry bundles)');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const phase = arg('--phase');
if (phase) {
  const result = await runPhase(phase, arg('--a')!, arg('--b')!, arg('--file')!, Number(arg('--mb')));
  console.log(`RESULT ${JSON.stringify(result)}`);
} else {
  await main();
}
