import { describe, expect, it } from 'vitest';
import type { ModelDeskError } from '../../errors.ts';
import { parseProfile } from './parse-profile.ts';
import { ProfileBuilder } from './profile-builder.ts';
import type { ReferenceProfile } from './profile-schema.ts';

function sample(): ReferenceProfile {
  const b = new ProfileBuilder(
    { features: [{ name: 'x', kind: 'numeric' }, { name: 'c', kind: 'categorical' }], predictions: [{ name: 'label', kind: 'categorical' }] },
    { bins: 4, topK: 2 }
  );
  for (let i = 0; i < 40; i++) b.add({ x: i % 7, c: ['a', 'b', 'c'][i % 3] }, { label: i % 2 ? 'y' : 'n' });
  return b.finish();
}

/** The error parseProfile throws for a profile changed by `mutate`. */
function problem(mutate: (p: any) => void): ModelDeskError {
  const p = structuredClone(sample()) as any;
  mutate(p);
  try {
    parseProfile(p);
  } catch (err) {
    return err as ModelDeskError;
  }
  throw new Error('parseProfile accepted it');
}

describe('parseProfile', () => {
  it('accepts what the builder makes', () => {
    const p = sample();
    expect(parseProfile(structuredClone(p))).toEqual(p);
  });

  it('says to upgrade for a newer profile version, and refuses a version that is not one', () => {
    const newer = problem((p) => (p.profile_version = 2));
    expect(newer.kind).toBe('invalid_input');
    expect(newer.message).toMatch(/version 2 is newer than this ModelDesk reads \(up to 1\); upgrade/);
    expect(problem((p) => delete p.profile_version).message).toMatch(/profile_version must be a positive integer/);
    expect(() => parseProfile(null)).toThrow(/profile_version/);
  });

  it('refuses what the schema forbids, naming where', () => {
    expect(problem((p) => (p.features[0].counts[0] = -1)).message).toMatch(/features\.0.*counts/);
    expect(problem((p) => (p.extra = 1)).message).toMatch(/additional properties \(extra\)/);
    expect(problem((p) => (p.features[1].kind = 'text')).message).toMatch(/features\.1/);
  });

  it('refuses numeric layouts a schema cannot check', () => {
    expect(problem((p) => p.features[0].counts.pop()).message).toMatch(/column "x": counts has \d+ bins, the layout \d+/);
    expect(problem((p) => (p.features[0].edges[1] = p.features[0].edges[0])).message).toMatch(/"x": edges must increase/);
    expect(problem((p) => (p.features[0].edges = [1])).message).toMatch(/edges must be empty or hold at least two values/);
    expect(problem((p) => p.features[0].bin_means.pop()).message).toMatch(/bin_means has/);
    expect(problem((p) => (p.features[0].bin_means[0] = 99)).message).toMatch(/bin_means\[0\] is outside its bin/);
    expect(problem((p) => (p.features[0].count += 1)).message).toMatch(/count is 41 but the bins hold 40/);
    const last = problem((p) => {
      const e = p.features[0].edges;
      e[e.length - 1] = e[e.length - 2] - 0.5;
    });
    expect(last.message).toMatch(/maximum/);
  });

  it('refuses categorical layouts a schema cannot check', () => {
    expect(problem((p) => (p.features[1].categories[1] = p.features[1].categories[0])).message).toMatch(/categories must be distinct/);
    expect(problem((p) => p.features[1].other_categories.push(p.features[1].categories[0])).message).toMatch(/repeats a top category/);
    expect(
      problem((p) => {
        p.features[1].counts[3] = 1;
        p.features[1].count += 1;
      }).message
    ).toMatch(/unseen count must be 0/);
  });

  it('refuses a column listed twice in one list, but not a feature named like an output', () => {
    expect(problem((p) => p.features.push(structuredClone(p.features[0]))).message).toMatch(/features: column "x" appears twice/);
    const p = structuredClone(sample());
    p.predictions.push({ ...structuredClone(p.features[0]!) });
    expect(() => parseProfile(p)).not.toThrow();
  });
});
