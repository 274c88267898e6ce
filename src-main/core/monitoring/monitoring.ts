import type Database from 'better-sqlite3';
import type { Db } from '../../../db/open.ts';
import type { AlgorithmHealthBody, DriftReportBody, HealthSeries, HistogramBody } from '../../contract/monitoring.ts';
import { invalidInput, notFound } from '../errors.ts';
import type { CoreEvents } from '../events.ts';
import type { Logger } from '../logging/logger.ts';
import type { Registry } from '../registry/registry.ts';
import type { Algorithm, Endpoint } from '../registry/types.ts';
import type { WriteGate } from '../storage/write-gate.ts';
import { ActiveProfiles } from './active-profiles.ts';
import { Aggregator } from './aggregator.ts';
import { algorithmHealth } from './algorithm-health.ts';
import { monitoredColumns } from './columns.ts';
import { registerDriftMetrics } from './drift-metrics.ts';
import { driftReportBody, hoursOf, readProfileWindow } from './drift-service.ts';
import { histogramBody } from './histogram.ts';
import type { Metrics } from './metrics.ts';
import { outcomeOf } from './quality/outcomes.ts';
import { References, type ModelLease } from './reference/references.ts';
import { healthSeries } from './series.ts';
import { StoredRows } from './stored-rows.ts';
import type { RowCodec } from '../requests/row-codec.ts';
import { parseDuration } from './time.ts';

export interface MonitoringOptions {
  /** false: nothing is aggregated (`serve --no-monitoring`); what was aggregated stays readable */
  enabled?: boolean;
  /** how often new log rows are counted while traffic comes (default 2,000 ms) */
  flushIntervalMs?: number;
  /** log rows read and counted between two yields to serving (default 200) */
  sliceRows?: number;
  /** above this many rows per second to versions with a reference profile, drift counts a uniform sample (default 500) */
  driftRowsPerSecond?: number;
  /** the clock windows end at (tests move it) */
  now?: () => number;
}

export interface MonitoringScope {
  /** endpoint name or id */
  endpoint?: string | undefined;
  algorithm?: number | undefined;
  /** a duration: 1h, 24h (default), 7d, 30d … */
  window?: string | undefined;
}

interface Dependencies {
  db: Db;
  sqlite: Database.Database;
  /** how the request log stores its rows' input and response (requests/row-codec.ts) */
  codec: RowCodec;
  /** every write goes through the core's write gate (BEGIN IMMEDIATE, a lock waited for without blocking) */
  writes: WriteGate;
  registry: Registry;
  events: CoreEvents;
  lease: ModelLease;
  /** the drift gauges join the core's metrics, labelled like its model series */
  metrics: Metrics;
  /** adds the refusal counts held in memory to the `refusals` table, so a series reads them all */
  flushRefusals: () => void;
  log: Logger;
}

/**
 * Monitoring (issue #15): serving health and quality over time, reference profiles and drift,
 * all read from aggregates that the Aggregator keeps up to date off the predict path. The core
 * builds one; the server's routes, the CLI and /metrics read through it.
 */
export class Monitoring {
  readonly references: References;
  private readonly profiles: ActiveProfiles;
  private readonly aggregator: Aggregator;
  private readonly now: () => number;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly deps: Dependencies,
    options: MonitoringOptions = {}
  ) {
    this.now = options.now ?? Date.now;
    const algorithmOf = (id: number) => deps.registry.getAlgorithm(id);
    const stored = new StoredRows(deps.codec);
    this.references = new References(deps.db, deps.sqlite, deps.writes, deps.registry, deps.lease, deps.events, stored);
    this.profiles = new ActiveProfiles(deps.sqlite, algorithmOf);
    this.aggregator = new Aggregator(
      deps.sqlite,
      deps.writes,
      this.profiles,
      algorithmOf,
      stored,
      {
        flushIntervalMs: options.flushIntervalMs ?? 2000,
        sliceRows: options.sliceRows ?? 500,
        driftRowsPerSecond: options.driftRowsPerSecond ?? 200,
        minuteRetentionDays: 8,
        now: this.now
      },
      deps.log
    );
    registerDriftMetrics(deps.metrics.registry, (a) => deps.metrics.labelsOf(a), () => this.productionReports());
    if (options.enabled === false) return;
    const { events } = deps;
    this.unsubscribe.push(
      events.on('requests.logged', ({ rows, ids }) => this.aggregator.recordLogged(rows, ids)),
      events.on('model.ran', ({ algorithm, rows }) => this.aggregator.recordRun(algorithm.id, rows)),
      events.on('feedback.recorded', ({ request }) => this.recordOutcome(request)),
      events.on('feedback.cleared', ({ request }) => this.aggregator.feedbackChanged(request.id, null)),
      // a new profile is applied to the version's earlier requests (backfill), an import's log is counted
      events.on('reference.changed', () => this.aggregator.profilesChanged()),
      events.on('registry.changed', (change) => change.cause === 'imported' && this.aggregator.logChanged())
    );
    // rows logged while no ModelDesk was counting (a crash, an older version, another process)
    this.aggregator.schedule();
  }

  /** Counts everything logged so far (tests, the CLI, a benchmark). */
  flush(): Promise<void> {
    return this.aggregator.flush();
  }

  async close(): Promise<void> {
    for (const off of this.unsubscribe) off();
    await this.aggregator.close();
  }

  series(scope: MonitoringScope): HealthSeries {
    const { endpoint, algorithm } = this.resolve(scope);
    const { text, seconds } = this.window(scope.window);
    this.deps.flushRefusals();
    return healthSeries(this.deps.sqlite, this.deps.registry, { endpoint, algorithm, windowText: text, windowSeconds: seconds }, this.now());
  }

  /** The drift report of a version (default: the endpoint's production version) over a window. */
  drift(scope: MonitoringScope): DriftReportBody {
    const algorithm = this.versionOf(scope);
    const { text, seconds } = this.window(scope.window);
    const reference = this.references.active(algorithm.id);
    const { fromHour, toHour } = hoursOf(this.now(), seconds);
    const counted = reference ? readProfileWindow(this.deps.sqlite, reference.profile, reference.summary.id, fromHour, toHour) : null;
    return driftReportBody(algorithm, reference, counted ?? { rows: 0, requests: 0, window: { features: {}, predictions: {} }, hours: [], fromHour, toHour }, text, howToGetAReference(algorithm));
  }

  histogram(algorithmId: number, column: string, windowText?: string): HistogramBody {
    const algorithm = this.algorithm(algorithmId);
    const reference = this.references.active(algorithm.id);
    if (!reference) throw notFound(howToGetAReference(algorithm), 'algorithm');
    const { seconds } = this.window(windowText);
    const { fromHour, toHour } = hoursOf(this.now(), seconds);
    const counted = readProfileWindow(this.deps.sqlite, reference.profile, reference.summary.id, fromHour, toHour);
    return histogramBody(reference.profile, counted.window, column);
  }

  /** Every version that is not archived: drift over 24 h and error-rate jumps (the Models page's badges). */
  status(): AlgorithmHealthBody[] {
    return this.deps.registry
      .listAlgorithms()
      .filter((a) => a.currentStatus !== 'archived')
      .map((a) => {
        const report = this.references.active(a.id) ? this.drift({ algorithm: a.id, window: '24h' }) : null;
        const drift = report ? { verdict: report.verdict, drifted: report.drifted, prediction: report.prediction.verdict } : null;
        return algorithmHealth(this.deps.sqlite, a, drift, this.now());
      });
  }

  /** Drift over 24 h of every version with a reference profile that is not archived (/metrics). */
  private productionReports(): { algorithm: Algorithm; report: DriftReportBody }[] {
    return this.deps.registry
      .listAlgorithms()
      .filter((a) => a.currentStatus !== 'archived' && this.references.active(a.id))
      .map((a) => ({ algorithm: a, report: this.drift({ algorithm: a.id, window: '24h' }) }));
  }

  private recordOutcome(request: Parameters<typeof outcomeOf>[0] & { algorithmId: number }): void {
    this.aggregator.feedbackChanged(request.id, outcomeOf(request, this.deps.registry.getAlgorithm(request.algorithmId).task));
  }

  private window(text = '24h'): { text: string; seconds: number } {
    return { text, seconds: parseDuration(text, 'window') };
  }

  private algorithm(id: number): Algorithm {
    try {
      return this.deps.registry.getAlgorithm(id);
    } catch {
      throw notFound(`algorithm ${id} not found`, 'algorithm');
    }
  }

  private resolve(scope: MonitoringScope): { endpoint: Endpoint; algorithm: Algorithm | null } {
    const algorithm = scope.algorithm === undefined ? null : this.algorithm(scope.algorithm);
    if (scope.endpoint === undefined || scope.endpoint === '') {
      if (!algorithm) throw invalidInput('endpoint is required (or algorithm)', 'endpoint');
      return { endpoint: this.deps.registry.getEndpoint(algorithm.endpointId), algorithm };
    }
    const endpoint = /^[0-9]+$/.test(scope.endpoint)
      ? this.deps.registry.listEndpoints().find((e) => e.id === Number(scope.endpoint))
      : this.deps.registry.findEndpointByName(scope.endpoint);
    if (!endpoint) throw notFound(`endpoint "${scope.endpoint}" not found`, 'endpoint');
    if (algorithm && algorithm.endpointId !== endpoint.id) {
      throw invalidInput(`algorithm ${algorithm.id} belongs to endpoint "${algorithm.endpointName}", not "${endpoint.name}"`, 'algorithm');
    }
    return { endpoint, algorithm };
  }

  /** The version asked for, or the endpoint's production version (else its newest). */
  private versionOf(scope: MonitoringScope): Algorithm {
    const { endpoint, algorithm } = this.resolve(scope);
    if (algorithm) return algorithm;
    const versions = this.deps.registry.listAlgorithms({ endpointId: endpoint.id });
    const chosen = versions.find((a) => a.currentStatus === 'production') ?? [...versions].sort((a, b) => b.id - a.id)[0];
    if (!chosen) throw notFound(`endpoint "${endpoint.name}" has no algorithm versions`, 'endpoint');
    return chosen;
  }
}

/** The empty state, said exactly: where and how to set a reference profile for this version. */
export function howToGetAReference(algorithm: Algorithm): string {
  const id = algorithm.id;
  const who = `${algorithm.name} ${algorithm.version} (algorithm ${id})`;
  const fromLog = `build it from this version's logged requests: POST /api/v1/monitoring/references/from-requests {"algorithm": ${id}, "window": "7d"} (or a from/to range), or "Use recent traffic" on the Monitoring page`;
  if (monitoredColumns(algorithm).noFeatures) {
    return `No reference profile for ${who} yet. Its inputs are tensors without feature names, so only its predictions can be monitored: ${fromLog}.`;
  }
  return (
    `No reference profile for ${who} yet. Upload its training data (CSV or JSON Lines, one column per feature named like the model's inputs) ` +
    `on the Monitoring page, or run \`npm run cli -- reference train.csv --algorithm ${id}\`, or ` +
    `\`curl -H "authorization: Bearer $TOKEN" -F file=@train.csv "$MD/api/v1/monitoring/references?algorithm=${id}"\`; or ${fromLog}.`
  );
}
