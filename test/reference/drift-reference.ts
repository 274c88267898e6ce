import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../fixtures/index.ts';

/** scipy's values for fixed inputs (test/reference/drift_reference.py); tests only. */
export interface DriftReferenceValues {
  jensenshannon: { p: number[]; q: number[]; distance: number }[];
  chi2_contingency: { reference: number[]; current: number[]; statistic: number; pvalue: number; dof: number }[];
  kolmogorov: { x: number; sf: number }[];
  discrete: { values: number[]; reference: number[]; current: number[]; ks_statistic: number; ks_pvalue: number; wasserstein: number }[];
  continuous: {
    shift: number;
    scale: number;
    reference_values: number[];
    current_values: number[];
    ks_statistic: number;
    ks_pvalue: number;
    wasserstein: number;
    reference_std: number;
  }[];
  benjamini_hochberg: { p: number[]; adjusted: number[] }[];
  adult: {
    reference_rows: number;
  } & Record<
    'held_out' | 'age_50_plus',
    { rows: number; features: Record<string, { ks_statistic?: number; ks_pvalue?: number; wasserstein_norm?: number; chi2_pvalue?: number }> }
  >;
}

export const driftReference = JSON.parse(
  readFileSync(join(repoRoot, 'test', 'reference', 'drift_reference.json'), 'utf8')
) as DriftReferenceValues;
