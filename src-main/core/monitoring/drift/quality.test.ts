import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../test/helpers/random.ts';
import { accuracySeries, regressionSeries } from './quality.ts';

const hour = 3_600_000;

describe('accuracySeries', () => {
  it('gives each bucket its accuracy with a Wilson 95% interval (scipy binomtest(81, 100).proportion_ci("wilson"))', () => {
    const [point] = accuracySeries([{ start: 0, correct: 81, feedback: 100, predictions: 400 }]);
    expect(point!.accuracy!.value).toBe(0.81);
    expect(point!.accuracy!.ci!.lower).toBeCloseTo(0.7222115462093562, 12);
    expect(point!.accuracy!.ci!.upper).toBeCloseTo(0.8748524849023126, 12);
    expect(point!.coverage!.value).toBe(0.25);
    expect(point!.feedback).toBe(100);
  });

  it('keeps the interval inside [0, 1] at the edges, and gives nulls for a bucket without feedback', () => {
    const [none, allWrong] = accuracySeries([
      { start: 0, correct: 0, feedback: 0, predictions: 0 },
      { start: hour, correct: 0, feedback: 20 }
    ]);
    expect(none).toMatchObject({ accuracy: null, coverage: null, feedbackDelay: null });
    expect(allWrong!.accuracy!.ci!.lower).toBeCloseTo(0, 15);
    expect(allWrong!.accuracy!.ci!.upper).toBeCloseTo(0.16112515805281938, 12);
    expect(allWrong!.coverage).toBeNull(); // no prediction count given
  });

  it('shows a drop in quality in the bucket it happens, with intervals that cover the true rate', () => {
    // 24 hourly buckets of 500 feedback; from hour 12 on, 20% of labels are flipped:
    // true accuracy 0.85 → 0.85·0.8 + 0.15·0.2 = 0.71.
    const random = seededRandom(15);
    const truth = (h: number) => (h < 12 ? 0.85 : 0.71);
    const buckets = Array.from({ length: 24 }, (_, h) => {
      let correct = 0;
      for (let i = 0; i < 500; i++) if (random() < truth(h)) correct += 1;
      return { start: h * hour, correct, feedback: 500, predictions: 2000 };
    });
    const series = accuracySeries(buckets);
    const values = series.map((p) => p.accuracy!.value);
    // the step is in bucket 12: every later bucket is below every earlier one, and the biggest
    // drop between neighbours is 11 → 12
    expect(Math.max(...values.slice(12))).toBeLessThan(Math.min(...values.slice(0, 12)));
    const drops = values.slice(1).map((v, i) => values[i]! - v);
    expect(drops.indexOf(Math.max(...drops)) + 1).toBe(12);
    expect(series[12]!.accuracy!.ci!.upper).toBeLessThan(series[11]!.accuracy!.ci!.lower);
    const covered = series.filter((p, h) => p.accuracy!.ci!.lower <= truth(h) && truth(h) <= p.accuracy!.ci!.upper).length;
    expect(covered).toBeGreaterThanOrEqual(22); // 95% intervals: about 1 of 24 may miss
  });

  it('reports the typical feedback delay and refuses impossible counts', () => {
    const [p] = accuracySeries([{ start: 0, correct: 3, feedback: 6, feedbackDelays: [5, 1, 9, 3, 7, 2] }]);
    expect(p!.feedbackDelay).toEqual({ median: 4, p90: 8 }); // numpy.percentile, linear
    expect(() => accuracySeries([{ start: 0, correct: 3, feedback: 6, predictions: 5 }])).toThrow(/predictions/);
    expect(() => accuracySeries([{ start: 0, correct: 7, feedback: 6 }])).toThrow(RangeError);
  });
});

describe('regressionSeries', () => {
  it('gives RMSE and MAE with t-intervals (scipy: t.ppf(0.975, 5) on |e| and on e²)', () => {
    const [p] = regressionSeries([{ start: 0, residuals: [0.5, -1.2, 2.0, 0.3, -0.7, 1.1], predictions: 12 }]);
    expect(p!.mae!.value).toBeCloseTo(0.9666666666666668, 12);
    expect(p!.mae!.ci!.lower).toBeCloseTo(0.32430689146092917, 10);
    expect(p!.mae!.ci!.upper).toBeCloseTo(1.6090264418724045, 10);
    expect(p!.rmse!.value).toBeCloseTo(1.116542281629615, 12);
    expect(p!.rmse!.ci!.lower).toBe(0);
    expect(p!.rmse!.ci!.upper).toBeCloseTo(1.6640709731656922, 10);
    expect(p!.coverage!.value).toBe(0.5);
  });

  it('gives nulls for a bucket without feedback, and no interval from one residual', () => {
    const [empty, one] = regressionSeries([
      { start: 0, residuals: [] },
      { start: hour, residuals: [2] }
    ]);
    expect(empty).toMatchObject({ rmse: null, mae: null, feedback: 0 });
    expect(one!.rmse).toEqual({ value: 2, ci: null, n: 1 });
  });
});
