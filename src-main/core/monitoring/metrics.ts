import { Counter, Gauge, Histogram, Registry as PromRegistry, collectDefaultMetrics } from 'prom-client';
import type { CoreEventMap } from '../events.ts';
import type { Algorithm } from '../registry/types.ts';
import type { RequestRow } from '../requests/request-writer.ts';
import { TalliedCounter } from './tallied-counter.ts';

/** What the metrics read from the rest of the core when they are scraped or first labelled. */
export interface MetricsSources {
  /** an endpoint's name (never renamed) */
  endpointName(id: number): string;
  /** an algorithm (its name and version never change) */
  algorithm(id: number): Algorithm;
  /** algorithms that can serve (not archived), for modeldesk_model_loaded */
  liveAlgorithms(): readonly Algorithm[];
  /** ids of the algorithms whose session is loaded */
  loadedAlgorithmIds(): Iterable<number>;
  /** calls between selection and answer, by algorithm id */
  inFlight(): Iterable<[number, number]>;
}

/** How a prediction request ended: answered 2xx, refused 4xx, or failed 5xx / model error. */
export type RequestOutcome = 'success' | 'refused' | 'error';

export interface RequestRecord {
  /** the endpoint the call named, when it exists */
  endpoint: string | null;
  algorithm: Algorithm | null;
  outcome: RequestOutcome;
  /** why it was refused or failed (refusal reasons, model_error, internal) */
  reason?: string;
  /** end to end, from the request's arrival to its answer */
  seconds: number;
}

type Labels = { endpoint: string; algorithm: string; version: string };
const modelLabels = ['endpoint', 'algorithm', 'version'] as const;
type ModelLabel = (typeof modelLabels)[number];
const durationBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Prometheus metrics (DESIGN §4.3; names and the Triton/MLServer mapping in the README). Every
 * model series is labelled by endpoint name, algorithm name and version. `promtool check
 * metrics` finds nothing to report (metrics.test.ts). One registry per core: tests run several
 * cores in one process.
 */
export class Metrics {
  readonly registry = new PromRegistry();
  private readonly requests: TalliedCounter<ModelLabel | 'outcome'>;
  private readonly failures: Counter<ModelLabel | 'reason'>;
  private readonly duration: Histogram<ModelLabel>;
  private readonly queue: Histogram<ModelLabel>;
  private readonly inference: Histogram<ModelLabel>;
  private readonly logCommit: Histogram<ModelLabel>;
  private readonly inferences: TalliedCounter<ModelLabel | 'status'>;
  private readonly batchSize: Histogram<ModelLabel>;
  private readonly feedback: Counter<'endpoint'>;
  private readonly abRequests: TalliedCounter<ModelLabel | 'ab_test' | 'shadow'>;
  private readonly keyRequests: TalliedCounter<'key'>;
  private readonly http: TalliedCounter<'method' | 'route' | 'status_code'>;
  private readonly labelsById = new Map<number, Labels>();

  constructor(private readonly sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    // prom-client names three gauges *_total, which Prometheus reserves for counters (promtool
    // refuses them); nodejs_active_handles/requests/resources carry the same numbers
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      this.registry.removeSingleMetric(name);
    }
    const labelNames = [...modelLabels];
    const histogram = (name: string, help: string) => new Histogram({ name, help, labelNames, buckets: durationBuckets, registers });
    this.requests = new TalliedCounter({
      name: 'modeldesk_inference_requests_total',
      help: 'Prediction requests (classic predict and v2 infer), one per request whatever its records, by outcome: success, refused (4xx), error (5xx or the model failed)',
      labelNames: [...modelLabels, 'outcome'],
      registers
    });
    this.failures = new Counter({
      name: 'modeldesk_inference_request_failures_total',
      help: 'Prediction requests that were refused or failed, by reason: validation, unknown_endpoint, no_algorithm, auth, too_large, unsupported_media_type (refused), model_error, internal',
      labelNames: [...modelLabels, 'reason'],
      registers
    });
    this.duration = histogram('modeldesk_inference_request_duration_seconds', 'Successful prediction requests, end to end: from the request arriving to its answer being sent');
    this.queue = histogram('modeldesk_inference_queue_duration_seconds', 'Per answered call: time waiting in the dynamic batcher for its model run to start');
    this.inference = histogram('modeldesk_inference_compute_duration_seconds', 'Per answered call: time in the model run and decoding its outputs, queue excluded');
    this.logCommit = histogram('modeldesk_inference_log_commit_duration_seconds', 'Per answered call: time waiting for its request-log rows to commit (an answer is sent only once durable)');
    this.inferences = new TalliedCounter({
      name: 'modeldesk_inferences_total',
      help: 'Records predicted and logged (a request of n records counts n), by status OK/Error; shadow runs included',
      labelNames: [...modelLabels, 'status'],
      registers
    });
    this.batchSize = new Histogram({
      name: 'modeldesk_inference_batch_size',
      help: 'Records per onnxruntime run (dynamic batching joins concurrent requests); _count is the number of runs',
      labelNames,
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 1024],
      registers
    });
    this.feedback = new Counter({ name: 'modeldesk_feedback_total', help: 'Feedback (ground truth) stored, by endpoint', labelNames: ['endpoint'], registers });
    this.abRequests = new TalliedCounter({
      name: 'modeldesk_ab_arm_requests_total',
      help: 'Records routed by A/B tests and logged, by test id, arm and shadow flag',
      labelNames: ['ab_test', ...modelLabels, 'shadow'],
      registers
    });
    this.keyRequests = new TalliedCounter({
      name: 'modeldesk_api_key_requests_total',
      help: 'Requests that presented a valid API key, by key name (any route; refused for scope or rate included)',
      labelNames: ['key'],
      registers
    });
    this.http = new TalliedCounter({
      name: 'modeldesk_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern ("unmatched" for no route) and status code',
      labelNames: ['method', 'route', 'status_code'],
      registers
    });
    const labelsOf = (a: Algorithm) => this.labelsOf(a);
    new Gauge({
      name: 'modeldesk_inference_requests_in_flight',
      help: 'Prediction calls between choosing their algorithm and their answer',
      labelNames,
      registers,
      collect: function (this: Gauge<ModelLabel>) {
        this.reset();
        for (const [id, n] of sources.inFlight()) this.set(labelsOf(sources.algorithm(id)), n);
      }
    });
    new Gauge({
      name: 'modeldesk_model_loaded',
      help: 'Whether each algorithm that can serve has its onnxruntime session loaded (1) or not yet (0)',
      labelNames,
      registers,
      collect: function (this: Gauge<ModelLabel>) {
        this.reset();
        const loaded = new Set(sources.loadedAlgorithmIds());
        for (const a of sources.liveAlgorithms()) this.set(labelsOf(a), loaded.has(a.id) ? 1 : 0);
      }
    });
  }

  /** One request that presented a valid API key (core event key.used). */
  recordKeyRequest(keyName: string): void {
    this.keyRequests.add(keyName, () => ({ key: keyName }));
  }

  /** endpoint, algorithm name and version of an algorithm (cached: they never change) */
  labelsOf(algorithm: Algorithm): Labels {
    let labels = this.labelsById.get(algorithm.id);
    if (!labels) {
      labels = { endpoint: algorithm.endpointName, algorithm: algorithm.name, version: algorithm.version };
      this.labelsById.set(algorithm.id, labels);
    }
    return labels;
  }

  private labelsOfId(id: number): Labels {
    return this.labelsById.get(id) ?? this.labelsOf(this.sources.algorithm(id));
  }

  /** One prediction request's outcome (the server reports every request of the predict and infer routes). */
  recordRequest(r: RequestRecord): void {
    const labels = r.algorithm ? this.labelsOf(r.algorithm) : { endpoint: r.endpoint ?? '', algorithm: '', version: '' };
    const series = r.algorithm ? `${r.algorithm.id} ${r.outcome}` : `endpoint ${r.endpoint ?? ''} ${r.outcome}`;
    this.requests.add(series, () => ({ ...labels, outcome: r.outcome }));
    if (r.outcome !== 'success') this.failures.inc({ ...labels, reason: r.reason ?? 'internal' });
    else this.duration.observe(labels, r.seconds);
  }

  recordAnswered(call: CoreEventMap['request.answered']): void {
    const labels = this.labelsOf(call.algorithm);
    this.queue.observe(labels, call.queueSeconds);
    this.inference.observe(labels, call.inferenceSeconds);
    this.logCommit.observe(labels, call.logSeconds);
  }

  /** Committed log rows: one call's rows share their labels, so runs of equal rows count with one inc(). */
  recordLogged(rows: readonly RequestRow[]): void {
    for (let i = 0; i < rows.length; ) {
      const row = rows[i]!;
      let n = 1;
      while (i + n < rows.length && sameSeries(rows[i + n]!, row)) n++;
      const labels = () => this.labelsOfId(row.algorithmId);
      this.inferences.add(`${row.algorithmId} ${row.status}`, () => ({ ...labels(), status: row.status }), n);
      if (row.abTestId !== null) {
        const abTest = String(row.abTestId);
        this.abRequests.add(`${abTest} ${row.algorithmId} ${row.shadow}`, () => ({ ab_test: abTest, ...labels(), shadow: String(row.shadow) }), n);
      }
      i += n;
    }
  }

  recordBatch(algorithm: Algorithm, size: number): void {
    this.batchSize.observe(this.labelsOf(algorithm), size);
  }

  recordFeedback(endpointId: number): void {
    this.feedback.inc({ endpoint: this.sources.endpointName(endpointId) });
  }

  recordHttp(method: string, route: string, statusCode: number): void {
    this.http.add(`${method} ${statusCode} ${route}`, () => ({ method, route, status_code: String(statusCode) }));
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

const sameSeries = (a: RequestRow, b: RequestRow) =>
  a.algorithmId === b.algorithmId && a.status === b.status && a.abTestId === b.abTestId && a.shadow === b.shadow;
