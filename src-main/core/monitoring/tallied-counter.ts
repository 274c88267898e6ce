import { Counter, type CounterConfiguration, type LabelValues } from 'prom-client';

interface Tally<T extends string> {
  labels: LabelValues<T>;
  n: number;
}

/**
 * A prom-client Counter counted on the prediction path by a key the caller already has, and
 * handed to prom-client when the counter is collected (a scrape of /metrics).
 *
 * prom-client validates and hashes the label set on every `inc()`, about a microsecond each
 * (docs/BENCHMARKS.md), and a prediction makes four such counts; here a count is one Map lookup
 * and an addition, and each series is incremented once per scrape by what it gathered. A scrape
 * reads exactly the values it would read with an `inc()` per event. The map holds one entry per
 * series, as prom-client's own does.
 */
export class TalliedCounter<T extends string> {
  readonly counter: Counter<T>;
  private readonly tallies = new Map<string, Tally<T>>();

  constructor(config: Omit<CounterConfiguration<T>, 'collect'>) {
    const tallies = this.tallies;
    this.counter = new Counter<T>({
      ...config,
      collect(this: Counter<T>) {
        for (const tally of tallies.values()) {
          if (tally.n === 0) continue;
          this.inc(tally.labels, tally.n);
          tally.n = 0;
        }
      }
    });
  }

  /** Adds n to the series `key` names; `labels` builds its label set the first time the key is seen. */
  add(key: string, labels: () => LabelValues<T>, n = 1): void {
    const tally = this.tallies.get(key);
    if (tally) tally.n += n;
    else this.tallies.set(key, { labels: labels(), n });
  }
}
