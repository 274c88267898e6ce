import type { Logger } from '../logging/logger.ts';
import { faultError, faultKindOf, type FaultContext, type FaultKind } from './faults.ts';

/** One storage problem as /healthz and readiness report it. */
export interface StorageProblem {
  /** `database`, `artifacts`, `data` (the data directory's own files), or `model:<algorithm id>` */
  area: string;
  kind: FaultKind;
  /** the message the last refused request got: what failed and where */
  message: string;
  /** when it was first seen, and how often since */
  since: string;
  occurrences: number;
}

/** Throws while the cause persists; returns once the area works again. */
export type Probe = () => void;

interface Active extends StorageProblem {
  probe: Probe | undefined;
  probedAt: number;
  loggedAt: number;
}

/** a probe runs at most this often per area, however often health is asked */
const probeEveryMs = 500;
/** a fault that keeps happening is logged again at most this often, with its count */
const relogEveryMs = 60_000;

/**
 * The storage faults the server has met and not yet seen go away. Whoever touches the disk
 * reports a failure here (fault) and a success (ok); health and readiness list what is still
 * failing, probing each area first, so a cause that went away (space freed, the lock released,
 * the file restored) clears itself even when no request has tried since. Each fault is logged
 * when it starts (then once a minute while it lasts) and when it ends.
 */
export class StorageHealth {
  private readonly active = new Map<string, Active>();

  constructor(private readonly log: Logger) {}

  /**
   * `err` as the user should see it. A storage fault (disk full, read-only, locked, missing,
   * damaged) is recorded for `area` and returned as a 507/503 error saying what and where;
   * any other error is returned unchanged.
   */
  fault(area: string, err: unknown, context: FaultContext, probe?: Probe): unknown {
    const kind = faultKindOf(err);
    if (!kind) return err;
    const error = faultError(kind, context, err);
    this.record(area, kind, error.message, probe, err);
    return error;
  }

  /** Records a fault found by a check rather than by a failed call (a model file whose hash is wrong). */
  record(area: string, kind: FaultKind, message: string, probe?: Probe, cause?: unknown): void {
    const now = Date.now();
    const known = this.active.get(area);
    if (known) {
      known.occurrences++;
      Object.assign(known, { kind, message, probe: probe ?? known.probe });
      if (now - known.loggedAt < relogEveryMs) return;
      known.loggedAt = now;
      this.log.error({ area, kind, occurrences: known.occurrences, err: cause }, `storage fault continues: ${message}`);
      return;
    }
    this.active.set(area, { area, kind, message, since: new Date(now).toISOString(), occurrences: 1, probe, probedAt: now, loggedAt: now });
    this.log.error({ area, kind, err: cause }, `storage fault: ${message}`);
  }

  /** The area works (a write committed, a file was stored, a model loaded): its problem, if any, is over. */
  ok(area: string): void {
    if (this.active.size === 0) return;
    const known = this.active.get(area);
    if (!known) return;
    this.active.delete(area);
    this.log.info({ area, kind: known.kind, occurrences: known.occurrences, since: known.since }, `storage recovered: ${area} works again`);
  }

  /** Problems still present; each area with a probe is probed first (at most twice a second). */
  problems(): StorageProblem[] {
    const now = Date.now();
    for (const problem of [...this.active.values()]) {
      if (!problem.probe || now - problem.probedAt < probeEveryMs) continue;
      problem.probedAt = now;
      try {
        problem.probe();
        this.ok(problem.area);
      } catch {
        // still failing
      }
    }
    return [...this.active.values()].map(({ area, kind, message, since, occurrences }) => ({ area, kind, message, since, occurrences }));
  }

  /** the problem of one area, after probing it (readiness of one model) */
  problem(area: string): StorageProblem | undefined {
    if (!this.active.has(area)) return undefined;
    return this.problems().find((p) => p.area === area);
  }
}
