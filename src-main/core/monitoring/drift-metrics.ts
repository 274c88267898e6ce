import { Gauge, type Registry as PromRegistry } from 'prom-client';
import type { DriftReportBody, DriftVerdictValue } from '../../contract/monitoring.ts';
import type { Algorithm } from '../registry/types.ts';

/**
 * Drift as Prometheus gauges, computed when /metrics is scraped from the aggregates (the last
 * 24 hours against each version's active reference profile), so an alert rule can fire on it.
 * A module of its own, registered on the core's one registry beside metrics.ts, labelled like
 * its model series: endpoint name, algorithm name and version (Metrics.labelsOf).
 *
 *   modeldesk_drift_score{endpoint,algorithm,version,feature,role,metric}   psi | js_distance | wasserstein_norm
 *   modeldesk_drift_verdict{endpoint,algorithm,version,feature,role}        per column
 *   modeldesk_dataset_drift_verdict{endpoint,algorithm,version}             dataset level (input features)
 *   modeldesk_prediction_drift_verdict{endpoint,algorithm,version}          the model's outputs
 *   modeldesk_dataset_drifted_share{endpoint,algorithm,version}             share of the judged features that drift
 *
 * Verdicts as numbers: -1 not enough data, 0 no drift, 1 warning, 2 drift. `role` is `input`
 * for a feature and `prediction` for an output column (label, probability, prediction).
 */
export const VERDICT_VALUE: Record<DriftVerdictValue, number> = { not_enough_data: -1, no_drift: 0, warning: 1, drift: 2 };

type VersionLabels = { endpoint: string; algorithm: string; version: string };

export function registerDriftMetrics(
  registry: PromRegistry,
  labelsOf: (algorithm: Algorithm) => VersionLabels,
  reports: () => { algorithm: Algorithm; report: DriftReportBody }[]
): void {
  const registers = [registry];
  const versionLabels = ['endpoint', 'algorithm', 'version'] as const;
  const score = new Gauge({
    name: 'modeldesk_drift_score',
    help: 'Drift of one column over the last 24 hours against the version\'s reference profile, by metric (psi, js_distance, wasserstein_norm in reference standard deviations)',
    labelNames: [...versionLabels, 'feature', 'role', 'metric'],
    registers,
    // registered first, so collected first: sets every drift gauge for this scrape
    collect: () => collectAll()
  });
  const verdict = new Gauge({
    name: 'modeldesk_drift_verdict',
    help: 'Drift verdict of one column over the last 24 hours: -1 not enough data, 0 no drift, 1 warning, 2 drift',
    labelNames: [...versionLabels, 'feature', 'role'],
    registers
  });
  const dataset = new Gauge({
    name: 'modeldesk_dataset_drift_verdict',
    help: 'Dataset-level drift verdict of a version\'s input features over the last 24 hours: -1 not enough data, 0 no drift, 1 warning, 2 drift',
    labelNames: [...versionLabels],
    registers
  });
  const prediction = new Gauge({
    name: 'modeldesk_prediction_drift_verdict',
    help: 'Drift verdict of a version\'s predictions over the last 24 hours: -1 not enough data, 0 no drift, 1 warning, 2 drift',
    labelNames: [...versionLabels],
    registers
  });
  const share = new Gauge({
    name: 'modeldesk_dataset_drifted_share',
    help: 'Share of a version\'s judged input features that drift over the last 24 hours',
    labelNames: [...versionLabels],
    registers
  });

  function collectAll(): void {
    for (const g of [score, verdict, dataset, prediction, share]) g.reset();
    for (const { algorithm, report: r } of reports()) {
      const version = labelsOf(algorithm);
      dataset.set(version, VERDICT_VALUE[r.verdict]);
      prediction.set(version, VERDICT_VALUE[r.prediction.verdict]);
      if (r.drifted_share !== null) share.set(version, r.drifted_share);
      const columns = [...r.features.map((c) => ({ c, role: 'input' })), ...r.prediction.columns.map((c) => ({ c, role: 'prediction' }))];
      for (const { c, role } of columns) {
        verdict.set({ ...version, feature: c.name, role }, VERDICT_VALUE[c.verdict]);
        for (const metric of ['psi', 'js_distance', 'wasserstein_norm'] as const) {
          const value = c[metric];
          if (value !== null) score.set({ ...version, feature: c.name, role, metric }, value);
        }
      }
    }
  }
}
