import { algorithmStatusValues } from '../../contract/enums.ts';
import type { Algorithm } from '../../core/registry/types.ts';

/**
 * The names v2's versioned paths (`/v2/models/{name}/versions/{version}`) answer to: each
 * live (not archived) algorithm of an endpoint exactly once. An algorithm is named by its
 * version; when several share a version (the seeded forest and regression are both 0.0.1),
 * the one a client most likely means keeps the bare version (production first, then staging,
 * testing, ab_testing; the newest among equals) and each other is `<version>@<algorithm id>`.
 * Pure: the route resolves a path's version here and pins that algorithm for the call.
 */
export interface VersionName {
  name: string;
  algorithm: Algorithm;
}

const rank = (a: Algorithm) => algorithmStatusValues.indexOf(a.currentStatus ?? 'archived');

export function versionNames(algorithms: readonly Algorithm[]): VersionName[] {
  const live = algorithms.filter((a) => a.currentStatus !== null && a.currentStatus !== 'archived');
  const byVersion = new Map<string, Algorithm[]>();
  for (const a of live) byVersion.set(a.version, [...(byVersion.get(a.version) ?? []), a]);
  const names: VersionName[] = [];
  for (const [version, group] of byVersion) {
    const preferred = [...group].sort((a, b) => rank(a) - rank(b) || b.id - a.id)[0]!;
    for (const algorithm of group) names.push({ name: algorithm === preferred ? version : `${version}@${algorithm.id}`, algorithm });
  }
  // a version string that itself looks like "<v>@<id>" must not shadow another's name
  return names.filter((n, i) => names.findIndex((m) => m.name === n.name) === i);
}

/** The algorithm a versioned path names, or undefined. */
export const algorithmNamed = (algorithms: readonly Algorithm[], version: string): Algorithm | undefined =>
  versionNames(algorithms).find((n) => n.name === version)?.algorithm;
