import { describe, expect, it } from 'vitest';
import type { Manifest } from './manifest-schema.ts';
import { sampleManifest } from '../../../test/helpers/sample-manifest.ts';
import { planImport, type PlanOptions, type TargetState } from './plan.ts';

const now = '2025-01-01T00:00:00.000Z';
const empty = (): TargetState => ({ endpoints: [], algorithms: [], production: new Map(), abTests: [] });
const opts = (o: Partial<PlanOptions> = {}): PlanOptions => ({ onConflict: 'fail', now, ...o });
const sha = (c: string) => c.repeat(64);

/** The manifest's algorithms, already registered here (same files) */
const mirror = (m: Manifest): TargetState => ({
  endpoints: m.endpoints.map((e) => e.name),
  algorithms: m.algorithms.map((a) => ({ endpoint: a.endpoint, name: a.name, version: a.version, sha256: a.artifact_sha256, status: a.version === '1' ? 'production' : 'testing' })),
  production: new Map([['iris', { name: 'lr', version: '1' }]]),
  abTests: m.ab_tests.map((t) => ({ endpoint: t.endpoint, title: t.title, created_at: t.created_at, state: t.state }))
});

const withTest = (m: Manifest, state: 'running' | 'stopped' = 'running'): Manifest => ({
  ...m,
  ab_tests: [{
    endpoint: 'iris', title: 'lr 1 vs 2', mode: 'split', metric: 'accuracy', created_by: 'ana', created_at: '2024-02-01T00:00:00.000Z',
    ended_at: null, state, summary: null, result: null,
    arms: ['1', '2'].map((version, position) => ({ position, algorithm: { endpoint: 'iris', name: 'lr', version }, weight: 1 }))
  }]
});

describe('planImport', () => {
  it('into an empty registry: everything is new, statuses as in the bundle', () => {
    const { report, decisions } = planImport(withTest(sampleManifest()), empty(), opts());
    expect(report.endpoints).toEqual({ added: [{ name: 'iris', reason: 'new here' }], identical: [], skipped: [], renamed: [] });
    expect(report.algorithms.added.map((a) => [a.version, a.status])).toEqual([['1', 'production'], ['2', 'testing']]);
    expect(report.statuses.added.map((s) => [s.version, s.rows, s.active])).toEqual([['1', 1, 'production'], ['2', 1, 'testing']]);
    expect(report.ab_tests.added).toEqual([expect.objectContaining({ state: 'running', reason: 'new here' })]);
    expect(decisions.inserts.size).toBe(2);
    expect(report.notes).toEqual([]);
  });

  it('into a registry that already has it all: nothing to do', () => {
    const m = withTest(sampleManifest());
    const { report, decisions } = planImport(m, mirror(m), opts());
    expect(report.algorithms.identical).toHaveLength(2);
    expect(report.statuses.identical).toEqual([expect.objectContaining({ version: '1', active: 'production' }), expect.objectContaining({ version: '2', active: 'testing' })]);
    expect(report.ab_tests.identical).toHaveLength(1);
    expect(decisions.inserts.size + decisions.tests.length + decisions.newEndpoints.length).toBe(0);
  });

  it('a new production where the endpoint already has one is imported as staging, with a note', () => {
    const target = { ...empty(), endpoints: ['iris'], production: new Map([['iris', { name: 'forest', version: '7' }]]) };
    const { report, decisions } = planImport(sampleManifest(), target, opts());
    expect(report.algorithms.added[0]).toMatchObject({ version: '1', status: 'staging', reason: expect.stringMatching(/imported as staging: "forest" version "7"/) });
    expect([...decisions.inserts.values()][0]!.demoteReason).toMatch(/"forest" version "7" is already in production/);
    expect(report.statuses.added[0]).toMatchObject({ active: 'staging', reason: expect.stringMatching(/ends imported as staging/) });
  });

  describe('a conflict (same key, different model)', () => {
    const target = (): TargetState => ({
      ...empty(),
      endpoints: ['iris'],
      algorithms: [
        { endpoint: 'iris', name: 'lr', version: '1', sha256: sha('f'), status: 'production' },
        { endpoint: 'iris', name: 'lr', version: '1-imported-1', sha256: sha('e'), status: 'staging' }
      ]
    });

    it('fail: reported and refused, with the rename it would take', () => {
      const { report, decisions } = planImport(sampleManifest(), target(), opts());
      expect(report.algorithms.conflicts).toEqual([
        expect.objectContaining({ version: '1', existing_sha256: sha('f'), bundle_sha256: sha('1'), resolution: 'fail', rename_to: '1-imported-2' })
      ]);
      expect(decisions.conflictsRefused).toHaveLength(1);
      expect(report.algorithms.added.map((a) => a.version)).toEqual(['2']);
    });

    it('skip: not imported, and a test using it is skipped', () => {
      const { report, decisions } = planImport(withTest(sampleManifest()), target(), opts({ onConflict: 'skip' }));
      expect(decisions.conflictsRefused).toEqual([]);
      expect([...decisions.inserts.values()].map((i) => i.version)).toEqual(['2']);
      expect(report.algorithms.skipped).toEqual([expect.objectContaining({ version: '1', local_version: null, reason: expect.stringMatching(/on_conflict=skip keeps/) })]);
      expect(report.statuses.skipped).toEqual([expect.objectContaining({ version: '1', reason: expect.stringMatching(/its algorithm is not imported/) })]);
      expect(report.ab_tests.skipped).toEqual([expect.objectContaining({ reason: expect.stringMatching(/"lr" version "1" is a different model/) })]);
    });

    it('rename: imported under the first free version; the test follows it', () => {
      const { report, decisions } = planImport(withTest(sampleManifest()), target(), opts({ onConflict: 'rename' }));
      expect(report.algorithms.renamed.map((a) => [a.version, a.local_version])).toEqual([['1', '1-imported-2']]);
      expect(report.algorithms.added.map((a) => a.version)).toEqual(['2']);
      expect(report.statuses.renamed).toEqual([expect.objectContaining({ version: '1', local_version: '1-imported-2' })]);
      expect(decisions.tests).toHaveLength(1);
      const suffixed = planImport(sampleManifest(), target(), opts({ onConflict: 'rename', renameSuffix: 'lab' }));
      expect(suffixed.report.algorithms.conflicts[0]!.rename_to).toBe('1-lab');
    });

    it('a model an earlier rename already brought in is identical, whatever on_conflict says', () => {
      const t = target();
      t.algorithms[1]!.sha256 = sha('1');
      for (const onConflict of ['fail', 'skip', 'rename'] as const) {
        const { report, decisions } = planImport(sampleManifest(), t, opts({ onConflict }));
        expect(report.algorithms.conflicts).toEqual([]);
        expect(report.algorithms.identical).toEqual([
          { endpoint: 'iris', name: 'lr', version: '1', local_version: '1-imported-1', artifact_sha256: sha('1'), status: 'staging', reason: expect.stringMatching(/earlier import/) }
        ]);
        expect(decisions.existing.get(JSON.stringify(['iris', 'lr', '1']))?.version).toBe('1-imported-1');
      }
    });
  });

  it('an algorithm already here keeps its statuses: identical when the active status agrees, skipped (saying both) when not', () => {
    const m = sampleManifest();
    const target = mirror(m);
    target.algorithms[1]!.status = 'archived';
    const { report } = planImport(m, target, opts());
    expect(report.statuses.identical.map((s) => s.version)).toEqual(['1']);
    expect(report.statuses.skipped).toEqual([
      expect.objectContaining({ version: '2', active: 'archived', rows: 1, reason: expect.stringMatching(/status here \("archived"\) is kept.*bundle says "testing"/) })
    ]);
  });

  it('a running test on an endpoint that runs one here is imported stopped, saying why', () => {
    const target = { ...empty(), abTests: [{ endpoint: 'iris', title: 'ours', created_at: now, state: 'running' as const }] };
    const { report, decisions } = planImport(withTest(sampleManifest()), target, opts());
    expect(decisions.tests[0]).toMatchObject({ state: 'stopped', endedAt: now, summary: expect.stringMatching(/Stopped on import/) });
    expect(report.ab_tests.added[0]).toMatchObject({ state: 'stopped', reason: expect.stringMatching(/imported as stopped/) });
    expect(report.notes.join()).toMatch(/imported as stopped/);
    // a stopped one is imported as it was
    const stopped = planImport(withTest(sampleManifest(), 'stopped'), target, opts());
    expect(stopped.decisions.tests[0]).toMatchObject({ state: 'stopped', endedAt: null, summary: null });
  });
});
