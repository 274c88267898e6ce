import { Type, type Static } from 'typebox';

/**
 * The reference profile as it is stored, sent over the API and carried in registry bundles.
 * This TypeBox module is the source of truth for its shape (parse-profile.ts checks the rest:
 * lengths, order, sums). Keys are snake_case like every other stored/API document.
 *
 * Bin layouts (the order of `counts`, here and in every window aggregate):
 * - numeric, m inner bins (m = edges.length − 1, or 0 when the reference had no values):
 *   [underflow (< edges[0]), inner 0 … inner m−1, overflow (> edges[m]), missing]
 *   inner bin j covers [edges[j], edges[j+1]); the last one [edges[m−1], edges[m]] is closed
 *   at both ends, so edges[m−1] = edges[m] is allowed (a last bin holding a single value).
 * - categorical, K categories: [category 0 … category K−1, other, unseen, missing]
 *   `other` = a value the reference saw but not in its top K, `unseen` = a value the reference
 *   never saw (always 0 in the reference itself).
 *
 * Numeric columns keep fine bins (100 by default: KS and Wasserstein need the CDF's shape), and
 * PSI, Jensen–Shannon and chi-square compare `coarse_bins` groups of adjacent inner bins of
 * about equal reference mass (deciles by default, the scale PSI's customary thresholds assume),
 * plus under-, overflow and missing. The grouping follows from the counts (binning.ts,
 * coarseGroups), so it is the same for every window compared with the profile.
 */

/** The profile format this ModelDesk writes and the newest it reads. Bump only with a migration path. */
export const PROFILE_VERSION = 1;

const count = Type.Integer({ minimum: 0 });
const nullableNumber = Type.Union([Type.Number(), Type.Null()]);
const name = Type.String({ minLength: 1, maxLength: 256 });

export const NumericFeatureProfile = Type.Object(
  {
    name,
    kind: Type.Literal('numeric'),
    /** rows in `counts` (missing included): the reference sample size the tests use */
    count,
    /** rows the values were sampled from, when the reference was larger than the builder keeps exactly */
    sampled_from: Type.Union([count, Type.Null()]),
    /** lower bound of each inner bin, then the reference maximum (see the module comment) */
    edges: Type.Array(Type.Number()),
    /**
     * per inner bin, the mean of the reference values in it: exactly the lower edge when they were
     * all one number (a point mass, e.g. capital-gain's 0). Wasserstein uses it to place the mass.
     */
    bin_means: Type.Array(Type.Number()),
    counts: Type.Array(count),
    /** moments over every non-missing reference value (exact even when the bins are sampled) */
    mean: nullableNumber,
    /** sample standard deviation (n − 1 denominator) */
    std: nullableNumber,
    min: nullableNumber,
    max: nullableNumber
  },
  { additionalProperties: false }
);

export const CategoricalFeatureProfile = Type.Object(
  {
    name,
    kind: Type.Literal('categorical'),
    count,
    /** the reference's most frequent values, most frequent first (ties by name) */
    categories: Type.Array(Type.String()),
    counts: Type.Array(count),
    /** the other values the reference saw, so `unseen` can be told from `other`; null when too many to keep */
    other_categories: Type.Union([Type.Array(Type.String()), Type.Null()])
  },
  { additionalProperties: false }
);

export const FeatureProfile = Type.Union([NumericFeatureProfile, CategoricalFeatureProfile]);

export const ReferenceProfile = Type.Object(
  {
    profile_version: Type.Integer({ minimum: 1 }),
    /** rows fed to the builder */
    row_count: count,
    /** the options it was built with: fine bins asked for per numeric column (discrete data may get fewer) */
    bins: Type.Integer({ minimum: 1 }),
    /** groups of inner bins that PSI, JS and chi-square compare per numeric column */
    coarse_bins: Type.Integer({ minimum: 1 }),
    top_k: Type.Integer({ minimum: 1 }),
    /** model inputs */
    features: Type.Array(FeatureProfile),
    /** model outputs, named like the response fields: `label`, `probability` (binary), `prediction` (regression) */
    predictions: Type.Array(FeatureProfile)
  },
  { additionalProperties: false }
);

export type NumericFeatureProfile = Static<typeof NumericFeatureProfile>;
export type CategoricalFeatureProfile = Static<typeof CategoricalFeatureProfile>;
export type FeatureProfile = Static<typeof FeatureProfile>;
export type ReferenceProfile = Static<typeof ReferenceProfile>;
export type ColumnKind = FeatureProfile['kind'];

/** A column the builder profiles: declared, never guessed from a few rows (see inferColumns for files). */
export interface ColumnSpec {
  name: string;
  kind: ColumnKind;
}
