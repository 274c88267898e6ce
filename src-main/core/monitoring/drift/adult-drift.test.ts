import { describe, expect, it } from 'vitest';
import { adultRows, type AdultRow } from '../../../../test/fixtures/index.ts';
import { seededRandom, shuffledIndexes } from '../../../../test/helpers/random.ts';
import { driftReference } from '../../../../test/reference/drift-reference.ts';
import { ProfileBuilder } from './profile-builder.ts';
import type { ColumnSpec } from './profile-schema.ts';
import { driftReport, type DriftReport } from './report.ts';
import { countWindow } from './window.ts';

/**
 * The Adult census rows the income models were trained on (test/fixtures/adult.csv, UCI, CC BY 4.0).
 * Reference = the rows whose 0-based index is not a multiple of 5 (26,048), held-out = the others
 * (6,513): the split test/reference/drift_reference.py uses for scipy's raw-data statistics.
 * The prediction column is the true `income` label, standing in for a classifier's `label` output
 * (same machinery; the end-to-end test with the served model belongs to the wiring).
 */
const numeric = new Set(['age', 'fnlwgt', 'education-num', 'capital-gain', 'capital-loss', 'hours-per-week']);
const rows = adultRows();
const names = Object.keys(rows[0]!.record);
const features: ColumnSpec[] = names.map((name) => ({ name, kind: numeric.has(name) ? 'numeric' : 'categorical' }));
const reference = rows.filter((_, i) => i % 5 !== 0);
const heldOut = rows.filter((_, i) => i % 5 === 0);

const builder = new ProfileBuilder({ features, predictions: [{ name: 'income', kind: 'categorical' }] });
for (const r of reference) builder.add(r.record, { income: r.income });
const profile = builder.finish();

function report(current: readonly AdultRow[]): DriftReport {
  const window = countWindow(
    profile,
    current.map((r) => r.record),
    current.map((r) => ({ income: r.income }))
  );
  return driftReport(profile, window);
}

const verdictOf = (r: DriftReport, name: string) => r.features.find((f) => f.name === name)!.verdict;
const flagged = (r: DriftReport) => r.features.filter((f) => f.verdict === 'warning' || f.verdict === 'drift');

describe('drift on the Adult census data', () => {
  it('matches the split scipy used', () => {
    expect(reference.length).toBe(driftReference.adult.reference_rows);
    expect(heldOut.length).toBe(driftReference.adult.held_out.rows);
  });

  it('raises no false alarm on random held-out windows of 1,000–5,000 rows (20 seeds)', () => {
    const alarms: string[] = [];
    for (let seed = 1; seed <= 20; seed++) {
      const random = seededRandom(seed);
      const size = 1000 + Math.floor(random() * 4001);
      const order = shuffledIndexes(heldOut.length, random);
      const r = report(order.slice(0, size).map((i) => heldOut[i]!));
      expect(r.verdict, `seed ${seed}`).toBe('no_drift');
      expect(r.prediction.verdict, `seed ${seed}`).toBe('no_drift');
      alarms.push(...flagged(r).map((f) => `seed ${seed}: ${f.name} ${f.verdict}`));
    }
    // "at most a few single-feature warnings in total"; observed: none
    expect(alarms.length, alarms.join('\n')).toBeLessThanOrEqual(3);
    expect(alarms.filter((a) => a.endsWith('drift'))).toEqual([]);
  });

  it('flags age and the features that go with it when only people aged 50+ arrive, and nothing else', () => {
    const older = heldOut.filter((r) => (r.record.age as number) >= 50);
    const r = report(older);
    const raw = driftReference.adult.age_50_plus.features;
    expect(older.length).toBe(driftReference.adult.age_50_plus.rows);
    // Older people in the 1994 census: more often married or widowed (marital-status), husbands
    // rather than own children (relationship), self-employed or in government (workclass), in
    // other occupations, with less schooling (education, education-num), and a different census
    // weight (fnlwgt, which the Census Bureau sets by age, sex and race). Each is also significant
    // on the raw data in scipy (KS or chi-square p < 1e-4).
    expect(r.drifted).toEqual(['age', 'workclass', 'fnlwgt', 'education', 'education-num', 'marital-status', 'occupation', 'relationship']);
    for (const name of r.drifted) expect(raw[name]!.ks_pvalue ?? raw[name]!.chi2_pvalue).toBeLessThan(1e-4);
    // Smaller real differences warn (significant, effect between half and the full drift
    // threshold): fewer women among older workers in 1994, more capital gains, and more part-time
    // hours near retirement (a change of shape the chi-square test sees; raw KS p = 0.05).
    expect(r.warnings).toEqual(['sex', 'capital-gain', 'hours-per-week']);
    // Unrelated to age, and not significant on the raw data either (scipy p > 0.05): clean.
    for (const name of ['race', 'native-country', 'capital-loss']) {
      expect(verdictOf(r, name), name).toBe('no_drift');
      expect(raw[name]!.ks_pvalue ?? raw[name]!.chi2_pvalue).toBeGreaterThan(0.05);
    }
    expect(r.verdict).toBe('drift'); // 8 of 14 features
    expect(r.driftedShare).toBeCloseTo(8 / 14, 12);
    // The label distribution moves too (older → more often >50K): prediction drift.
    expect(r.prediction.verdict).toBe('drift');
    const age = r.features.find((f) => f.name === 'age')!;
    expect(age.metrics.psi).toBeGreaterThan(1);
    expect(age.triggers.map((t) => t.metric)).toEqual(['psi', 'jsDistance', 'wassersteinNorm']);
  });

  it('does not flag a 30,000-row window of the same distribution, though its p-values are small', () => {
    const random = seededRandom(30_000);
    const huge = Array.from({ length: 30_000 }, () => heldOut[Math.floor(random() * heldOut.length)]!);
    const r = report(huge);
    expect(r.verdict).toBe('no_drift');
    expect(flagged(r)).toEqual([]);
    expect(r.prediction.verdict).toBe('no_drift');
    // Resampling 6,513 rows into 30,000 makes the tests see their differences from the
    // reference as real: significance alone would have flagged these.
    expect(r.features.filter((f) => f.significant).length).toBeGreaterThan(5);
  });

  describe('binned statistics against scipy on the raw rows', () => {
    for (const scenario of ['held_out', 'age_50_plus'] as const) {
      it(`agree for the ${scenario.replaceAll('_', ' ')} window`, () => {
        const current = scenario === 'held_out' ? heldOut : heldOut.filter((r) => (r.record.age as number) >= 50);
        const r = report(current);
        for (const f of r.features) {
          const raw = driftReference.adult[scenario].features[f.name]!;
          if (f.kind === 'numeric') {
            // D from 100 fine bins never exceeds the raw D, and is exact for columns with ≤ 100 values
            expect(f.metrics.ks!.statistic, f.name).toBeLessThanOrEqual(raw.ks_statistic! + 1e-12);
            expect(f.metrics.ks!.statistic, f.name).toBeGreaterThan(raw.ks_statistic! - 0.005);
            expect(Math.abs(f.metrics.wassersteinNorm! - raw.wasserstein_norm!), f.name).toBeLessThan(0.03 * raw.wasserstein_norm! + 0.002);
          } else {
            // top 20 + other + missing, sparse bins pooled: the same conclusion as the full table
            expect(f.metrics.chiSquare!.pValue < 0.01, f.name).toBe(raw.chi2_pvalue! < 0.01);
          }
        }
      });
    }
  });
});
