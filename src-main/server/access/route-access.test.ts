import { beforeAll, describe, expect, it } from 'vitest';
import { accessModeValues, type AccessMode } from '../../contract/access.ts';
import { expected, expectedProtection, registeredRoutes, routeKeyOf, type Protection } from '../../../test/helpers/access-policy.ts';
import type { RegisteredRoute } from '../security.ts';
import { routePrefixTable, routeTable, type RouteRule } from './route-table.ts';

/** what a request without a credential gets past, and which scope a credential needs, as the server decides it */
function actualProtection(rule: RouteRule, mode: AccessMode): Protection {
  if (rule.class === 'public') return 'none';
  if (rule.class === 'open' && mode === 'loopback') return 'none';
  return rule.scope;
}

describe('every registered route has its protection class (issue 17 §1)', () => {
  let routes: readonly RegisteredRoute[];
  beforeAll(async () => {
    routes = await registeredRoutes();
  });

  it('classifies every route; an unclassified one is named here (it needs admin until it is)', () => {
    const unclassified = routes
      .filter((r) => r.rule.unclassified)
      .map((r) => `${r.method} ${r.url}`);
    expect(unclassified, 'classify these routes in src-main/server/access/route-table.ts').toEqual([]);
  });

  it.each(accessModeValues)('gives each route the class the issue states, in %s mode', (mode) => {
    const wrong = routes
      .map((r) => ({ route: `${r.method} ${r.url}`, expected: expectedProtection(routeKeyOf(r), mode), actual: actualProtection(r.rule, mode) }))
      .filter((r) => r.expected !== r.actual);
    expect(wrong).toEqual([]);
  });

  it('closes strict and LAN mode to requests without a credential, but for health and the app files', () => {
    for (const mode of ['strict', 'lan'] as const) {
      const open = [...new Set(routes.filter((r) => actualProtection(r.rule, mode) === 'none').map(routeKeyOf))].sort();
      expect(open).toEqual([...expected.public].sort());
    }
  });

  it('lists only routes that exist (a renamed route leaves no stale row behind)', () => {
    const registered = new Set(routes.map(routeKeyOf));
    const stale = Object.keys(routeTable).filter((key) => !registered.has(key));
    const stalePrefixes = Object.keys(routePrefixTable).filter((prefix) => ![...registered].some((key) => key === prefix || key.startsWith(`${prefix}/`)));
    expect([...stale, ...stalePrefixes]).toEqual([]);
  });
});
