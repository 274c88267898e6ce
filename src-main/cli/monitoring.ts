import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { DriftColumn, DriftReportBody } from '../contract/monitoring.ts';
import { dataOption, withCore } from './data-dir.ts';

/**
 * `modeldesk reference FILE --algorithm ID` and `modeldesk drift --endpoint NAME --since 24h`
 * (issue #15): they open the data directory directly, as export and import do, so they work with
 * or without a server running on it (the aggregates are shared through the database).
 */

const positiveInteger = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
};

export function addMonitoringCommands(program: Command): void {
  program
    .command('reference')
    .description('set an algorithm version\'s reference profile from its training data (CSV or JSON Lines, columns named like the model\'s features)')
    .argument('<file>', 'training file: .csv (header row), .tsv or .jsonl, UTF-8')
    .requiredOption('--algorithm <id>', 'the algorithm version (its id, as in GET /api/v1/mlalgorithms)', positiveInteger)
    .option('--created-by <name>', 'who set it (kept with the profile)', '')
    .addOption(dataOption())
    .action(async (file: string, options: { algorithm: number; createdBy: string; data: string }) => {
      await withCore(options.data, async (core) => {
        const summary = await core.monitoring.references.fromFile(options.algorithm, basename(file), createReadStream(file), options.createdBy);
        console.log(`Reference profile ${summary.id} set for algorithm ${summary.algorithm_id}: ${summary.description}`);
        console.log(`Features (${summary.features.length}): ${summary.features.join(', ') || 'none'}`);
        console.log(`Predictions: ${summary.predictions.join(', ') || 'none'}`);
        if (summary.backfilling) console.log('Requests this version already served are being counted against it (next start of the server, or now if one runs).');
      });
    });

  program
    .command('drift')
    .description('print the drift report of an endpoint\'s production version (or --algorithm) over a window ending now')
    .requiredOption('--endpoint <name>', 'endpoint name')
    .option('--algorithm <id>', 'another version of the endpoint', positiveInteger)
    .option('--since <duration>', 'window ending now: 1h, 24h, 7d, 30d, …', '24h')
    .option('--json', 'print the report as JSON', false)
    .addOption(dataOption())
    .action(async (options: { endpoint: string; algorithm?: number; since: string; json: boolean; data: string }) => {
      await withCore(options.data, async (core) => {
        // count whatever was logged and not yet aggregated (no server running, or its last seconds)
        await core.monitoring.flush();
        const report = core.monitoring.drift({ endpoint: options.endpoint, algorithm: options.algorithm, window: options.since });
        console.log(options.json ? JSON.stringify(report, null, 2) : describeReport(report));
      });
    });
}

const verdictWords: Record<DriftReportBody['verdict'], string> = {
  not_enough_data: 'not enough data',
  no_drift: 'no drift',
  warning: 'warning',
  drift: 'DRIFT'
};

function describeReport(r: DriftReportBody): string {
  const a = r.algorithm;
  const lines = [`Drift of ${a.endpoint} / ${a.name} ${a.version} (algorithm ${a.id}), last ${r.window}: ${r.from} – ${r.to}`];
  if (!r.reference) return [...lines, r.empty_reason ?? 'No reference profile.'].join('\n');
  lines.push(`${r.rows} logged rows against reference profile ${r.reference.id}: ${r.reference.description}`);
  if (r.features_note) lines.push(`Note: ${r.features_note}.`);
  const rows = [...r.features.map((c) => ({ c, what: c.name })), ...r.prediction.columns.map((c) => ({ c, what: `prediction: ${c.name}` }))];
  const width = Math.max(8, ...rows.map((x) => x.what.length));
  lines.push(`${'column'.padEnd(width)}  ${'metric'.padEnd(20)}${'value'.padStart(9)}  verdict`);
  for (const { c, what } of rows) lines.push(`${what.padEnd(width)}  ${c.metric.padEnd(20)}${format(c).padStart(9)}  ${verdictWords[c.verdict]}${detail(c)}`);
  const judged = r.features.filter((f) => f.verdict !== 'not_enough_data').length;
  const share = r.drifted_share === null ? '' : ` (${r.drifted.length} of ${judged} features drift${r.drifted.length ? `: ${r.drifted.join(', ')}` : ''})`;
  lines.push(`Dataset: ${verdictWords[r.verdict]}${r.features.length ? share : ''}`);
  lines.push(`Prediction: ${verdictWords[r.prediction.verdict]}`);
  return lines.join('\n');
}

const format = (c: DriftColumn) => (c.value === null ? '—' : c.value.toFixed(3));
const detail = (c: DriftColumn) => (c.verdict === 'not_enough_data' ? ` (${c.current_count} rows; 200 needed)` : '');
