import { describe, expect, it } from 'vitest';
import { seededRandom as rng, normalDraw as normal } from '../../../../test/helpers/random.ts';
import { MSPRT_TEST_NAME } from './sequential.ts';
import { decideVerdict, type ArmObservations } from './verdict.ts';


function accuracyArm(name: string, correct: number, total: number): ArmObservations {
  return { name, requests: total, failedRequests: 0, latencies: [10, 20, 30], feedback: { total, correct } };
}

describe('decideVerdict: edge cases', () => {
  it('handles an arm with zero traffic: null metric, interval, error rate and latency, not_enough_data', () => {
    const r = decideVerdict({
      metric: 'accuracy',
      arms: [
        accuracyArm('logistic regression 0.0.1', 40, 50),
        { name: 'random forest 0.0.1', requests: 0, failedRequests: 0, latencies: [] }
      ]
    });
    expect(r.verdict).toBe('not_enough_data');
    expect(r.winner).toBeNull();
    const empty = r.arms[1];
    expect(empty?.metric).toBeNull();
    expect(empty?.errorRate).toBeNull();
    expect(empty?.latencyP50).toBeNull();
    expect(empty?.latencyP95).toBeNull();
    expect(r.text).toContain('arm B (random forest 0.0.1) has 0 of the 30 feedback needed');
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
  });

  it('does the same for regression arms without feedback', () => {
    const r = decideVerdict({
      metric: 'rmse',
      arms: [
        { name: 'a', requests: 0, failedRequests: 0, latencies: [] },
        { name: 'b', requests: 0, failedRequests: 0, latencies: [] }
      ]
    });
    expect(r.verdict).toBe('not_enough_data');
    expect(r.arms.every((a) => a.metric === null)).toBe(true);
    expect(r.fixedHorizon).toBeNull();
  });

  it('needs two arms and valid settings', () => {
    expect(decideVerdict({ metric: 'accuracy', arms: [accuracyArm('only', 90, 100)] }).verdict).toBe('not_enough_data');
    expect(decideVerdict({ metric: 'accuracy', arms: [] }).verdict).toBe('not_enough_data');
    const arms = [accuracyArm('a', 1, 2), accuracyArm('b', 1, 2)];
    expect(() => decideVerdict({ metric: 'accuracy', arms, alpha: 0 })).toThrow(RangeError);
    expect(() => decideVerdict({ metric: 'accuracy', arms, controlIndex: 2 })).toThrow(RangeError);
    expect(() => decideVerdict({ metric: 'accuracy', arms, minimumDetectableEffect: 1.5 })).toThrow(RangeError);
  });

  it('reports requests, error rate and latency percentiles per arm', () => {
    const arm: ArmObservations = {
      name: 'x',
      requests: 10,
      failedRequests: 1,
      latencies: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      feedback: { total: 8, correct: 6 }
    };
    const [a] = decideVerdict({ metric: 'accuracy', arms: [arm, arm] }).arms;
    expect(a?.errorRate).toBe(0.1);
    expect(a?.latencyP50).toBe(5.5);
    expect(a?.latencyP95).toBeCloseTo(9.55, 12); // R quantile(1:10, 0.95)
    expect(a?.metric?.value).toBe(0.75);
    expect(a?.feedback).toBe(8);
  });
});

describe('decideVerdict: accuracy', () => {
  it('declares a clear winner with the sequential test and says so', () => {
    const r = decideVerdict({
      metric: 'accuracy',
      arms: [accuracyArm('logistic regression 0.0.1', 400, 500), accuracyArm('random forest 0.0.1', 450, 500)]
    });
    expect(r.verdict).toBe('better');
    expect(r.winner).toBe(1);
    expect(r.decidedBy).toBe(MSPRT_TEST_NAME);
    expect(r.text).toMatch(/^Arm B \(random forest 0\.0\.1\) is better: accuracy 0\.900 vs 0\.800 for arm A /);
    expect(r.text).toMatch(/for arm A \(logistic regression 0\.0\.1\), always-valid p [<=] /);
    expect(r.fixedHorizon?.test).toBe('two-proportion z-test');
    expect(r.comparisons[0]?.difference).toBeCloseTo(0.1, 12);
    expect(r.comparisons[0]?.alwaysValidPValue).toBeGreaterThanOrEqual(r.comparisons[0]?.fixedHorizonPValue ?? 1);
    expect(r.tau2).toBeCloseTo(0.0025, 12);
  });

  it('says "no significant difference" only once every arm has the planned sample', () => {
    // baseline 0.80, MDE 0.05, 80% power → power.prop.test(p1 = .8, p2 = .85) ≈ 905.4 → 906 per arm
    const r = decideVerdict({
      metric: 'accuracy',
      arms: [accuracyArm('a', 4000, 5000), accuracyArm('b', 4010, 5000)]
    });
    expect(r.verdict).toBe('no_significant_difference');
    expect(r.winner).toBeNull();
    expect(r.requiredFeedbackPerArm).toBeGreaterThan(800);
    expect(r.requiredFeedbackPerArm).toBeLessThan(1000);
    expect(r.remainingFeedbackPerArm).toBe(0);
    expect(r.text).toMatch(/^No significant difference: /);
  });

  it('says "not enough data" with the feedback still needed when not significant yet', () => {
    const r = decideVerdict({ metric: 'accuracy', arms: [accuracyArm('a', 80, 100), accuracyArm('b', 82, 100)] });
    expect(r.verdict).toBe('not_enough_data');
    expect(r.decidedBy).toBe(MSPRT_TEST_NAME);
    expect(r.remainingFeedbackPerArm).toBe((r.requiredFeedbackPerArm ?? 0) - 100);
    expect(r.text).toMatch(/^Not enough data yet: .* more feedback per arm are needed/);
  });

  it('uses chi-square and Bonferroni over all pairs with three arms', () => {
    const r = decideVerdict({
      metric: 'accuracy',
      arms: [accuracyArm('a', 700, 1000), accuracyArm('b', 850, 1000), accuracyArm('c', 690, 1000)]
    });
    expect(r.fixedHorizon?.test).toBe('chi-square test');
    expect(r.fixedHorizon?.df).toBe(2);
    expect(r.pairsCorrectedFor).toBe(3);
    expect(r.comparisons).toHaveLength(2);
    for (const c of r.comparisons) expect(c.adjustedPValue).toBeCloseTo(Math.min(1, 3 * c.alwaysValidPValue), 12);
    expect(r.verdict).toBe('better');
    expect(r.winner).toBe(1);
    expect(r.text).toContain('Bonferroni over 3 pairs');
  });

  it('stays valid under repeated looks: A/A tests peeked every 50 feedback rarely name a winner', () => {
    const random = rng(21);
    const simulations = 200;
    let falseWinners = 0;
    for (let s = 0; s < simulations; s++) {
      const correct = [0, 0];
      for (let n = 1; n <= 2000; n++) {
        for (const i of [0, 1]) if (random() < 0.8) correct[i] = (correct[i] ?? 0) + 1;
        if (n % 50 !== 0) continue;
        const arms = correct.map((c, i) => accuracyArm(`arm ${i}`, c, n));
        if (decideVerdict({ metric: 'accuracy', arms }).verdict === 'better') {
          falseWinners++;
          break;
        }
      }
    }
    expect(falseWinners / simulations).toBeLessThanOrEqual(0.07);
  });
});

describe('decideVerdict: regression', () => {
  const residuals = (seed: number, n: number, scale: number): number[] => {
    const random = rng(seed);
    return Array.from({ length: n }, () => normal(random) * scale);
  };
  const arm = (name: string, r: number[]): ArmObservations => ({
    name,
    requests: r.length,
    failedRequests: 0,
    latencies: [],
    residuals: r
  });

  it('treats lower RMSE as better and tests squared errors', () => {
    const r = decideVerdict({
      metric: 'rmse',
      arms: [arm('linear 1.0', residuals(1, 400, 2)), arm('boosted 2.0', residuals(2, 400, 1))]
    });
    expect(r.lowerIsBetter).toBe(true);
    expect(r.verdict).toBe('better');
    expect(r.winner).toBe(1);
    expect(r.fixedHorizon?.test).toBe("Welch's t-test");
    expect(r.arms[1]?.metric?.ci?.lower).toBeLessThan(r.arms[1]?.metric?.value ?? 0);
    expect(r.comparisons[0]?.difference).toBeLessThan(0);
    expect(r.text).toMatch(/^Arm B \(boosted 2\.0\) is better: rmse /);
  });

  it('treats lower MAE as better, and finds no difference between equal models with enough data', () => {
    const r = decideVerdict({
      metric: 'mae',
      arms: [arm('a', residuals(3, 3000, 1)), arm('b', residuals(4, 3000, 1))]
    });
    expect(r.verdict).toBe('no_significant_difference');
    expect(r.minimumDetectableEffect).toBeCloseTo(0.1 * (r.arms[0]?.metric?.value ?? 0), 12);
  });

  it('asks for a minimum difference when the control arm has zero error', () => {
    const zeros = new Array<number>(40).fill(0);
    const r = decideVerdict({ metric: 'mae', arms: [arm('a', zeros), arm('b', residuals(5, 40, 1))] });
    expect(r.verdict).toBe('not_enough_data');
    expect(r.text).toContain('set a minimum difference');
  });
});
