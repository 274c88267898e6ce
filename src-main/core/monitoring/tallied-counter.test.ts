import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { TalliedCounter } from './tallied-counter.ts';

const series = async (registry: Registry) =>
  (await registry.getSingleMetric('calls_total')!.get()).values.map((v) => [v.labels.arm, v.value]).sort();

describe('a tallied counter', () => {
  it('reads at every scrape what an inc() per event would have counted, series by series, and keeps counting after it', async () => {
    const registry = new Registry();
    const calls = new TalliedCounter({ name: 'calls_total', help: 'calls', labelNames: ['arm'], registers: [registry] });
    let built = 0;
    const labels = (arm: string) => () => (built++, { arm });
    calls.add('a', labels('a'));
    calls.add('a', labels('a'), 4);
    calls.add('b', labels('b'));
    expect(await series(registry)).toEqual([['a', 5], ['b', 1]]);
    // labels are built once per series, not per count
    expect(built).toBe(2);
    expect(await series(registry)).toEqual([['a', 5], ['b', 1]]);
    calls.add('b', labels('b'), 2);
    expect(await registry.metrics()).toContain('calls_total{arm="b"} 3');
    expect(await series(registry)).toEqual([['a', 5], ['b', 3]]);
  });
});
