import { Counter, Histogram, Registry as PromRegistry, collectDefaultMetrics } from 'prom-client';
import type { RequestRow } from '../requests/request-writer.ts';

interface LoggedSeries {
  predictions: { inc(value?: number): void };
  compute: { observe(value: number): void };
  abRequests: { inc(value?: number): void } | null;
}

const latencyBuckets = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/**
 * Prometheus metrics (DESIGN §4.3), fed by the request log as rows commit, so what is counted is
 * exactly what was acknowledged. One registry per core: tests run several cores in one process.
 */
export class Metrics {
  readonly registry = new PromRegistry();
  private readonly predictions: Counter<'endpoint' | 'algorithm' | 'status'>;
  private readonly compute: Histogram<'endpoint' | 'algorithm'>;
  private readonly queue: Histogram<'endpoint' | 'algorithm'>;
  private readonly batchSize: Histogram<'endpoint' | 'algorithm'>;
  private readonly feedback: Counter<'endpoint'>;
  private readonly abRequests: Counter<'ab_test' | 'algorithm' | 'shadow'>;
  private readonly keyRequests: Counter<'key'>;
  private readonly loggedSeries = new Map<string, LoggedSeries>();

  constructor(private readonly endpointName: (id: number) => string) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'modeldesk_' });
    this.predictions = new Counter({
      name: 'modeldesk_predictions_total',
      help: 'Predictions logged, by endpoint, algorithm id and status (OK/Error); shadow runs included',
      labelNames: ['endpoint', 'algorithm', 'status'],
      registers
    });
    this.compute = new Histogram({
      name: 'modeldesk_prediction_compute_seconds',
      help: 'Model time per record as the request saw it: from handing its records to the model to the answer, divided by its records (includes any wait for a batch, which modeldesk_prediction_queue_seconds shows alone)',
      labelNames: ['endpoint', 'algorithm'],
      buckets: latencyBuckets,
      registers
    });
    this.queue = new Histogram({
      name: 'modeldesk_prediction_queue_seconds',
      help: 'Time a record waited for its batch to run',
      labelNames: ['endpoint', 'algorithm'],
      buckets: latencyBuckets,
      registers
    });
    this.batchSize = new Histogram({
      name: 'modeldesk_batch_size',
      help: 'Records per onnxruntime run',
      labelNames: ['endpoint', 'algorithm'],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 1024],
      registers
    });
    this.feedback = new Counter({
      name: 'modeldesk_feedback_total',
      help: 'Feedback (ground truth) stored, by endpoint',
      labelNames: ['endpoint'],
      registers
    });
    this.abRequests = new Counter({
      name: 'modeldesk_ab_arm_requests_total',
      help: 'Requests routed by A/B tests, by test id, arm algorithm id and shadow flag',
      labelNames: ['ab_test', 'algorithm', 'shadow'],
      registers
    });
    this.keyRequests = new Counter({
      name: 'modeldesk_api_key_requests_total',
      help: 'Requests that presented a valid API key, by key name (any route; refused for scope or rate included)',
      labelNames: ['key'],
      registers
    });
  }

  recordKeyRequest(keyName: string): void {
    this.keyRequests.inc({ key: keyName });
  }

  recordLogged(rows: readonly RequestRow[]): void {
    // The rows of one call share their series and latency: count them with one inc().
    for (let i = 0; i < rows.length; ) {
      const row = rows[i]!;
      const series = this.seriesOf(row);
      let n = 1;
      while (i + n < rows.length && rows[i + n]!.latencyUs === row.latencyUs && this.seriesOf(rows[i + n]!) === series) n++;
      series.predictions.inc(n);
      series.abRequests?.inc(n);
      const seconds = row.latencyUs / 1e6;
      for (let k = 0; k < n; k++) series.compute.observe(seconds);
      i += n;
    }
  }

  /**
   * The labelled children a logged row updates, looked up once per label combination: finding
   * a child by its labels hashes them every time, which cost more than the counting itself on
   * the predict path (a 1,000-record request updates these 1,000 times).
   */
  private seriesOf(row: RequestRow): LoggedSeries {
    const key = `${row.endpointId}|${row.algorithmId}|${row.status}|${row.abTestId ?? ''}|${row.shadow ? 1 : 0}`;
    let series = this.loggedSeries.get(key);
    if (!series) {
      const endpoint = this.endpointName(row.endpointId);
      const algorithm = String(row.algorithmId);
      series = {
        predictions: this.predictions.labels({ endpoint, algorithm, status: row.status }),
        compute: this.compute.labels({ endpoint, algorithm }),
        abRequests:
          row.abTestId === null
            ? null
            : this.abRequests.labels({ ab_test: String(row.abTestId), algorithm, shadow: String(row.shadow) })
      };
      this.loggedSeries.set(key, series);
    }
    return series;
  }

  recordBatch(endpointId: number, algorithmId: number, size: number, queueSeconds: readonly number[]): void {
    const labels = { endpoint: this.endpointName(endpointId), algorithm: String(algorithmId) };
    this.batchSize.observe(labels, size);
    for (const seconds of queueSeconds) this.queue.observe(labels, seconds);
  }

  recordFeedback(endpointId: number): void {
    this.feedback.inc({ endpoint: this.endpointName(endpointId) });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
