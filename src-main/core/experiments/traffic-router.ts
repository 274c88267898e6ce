import type { RouteDecision, TrafficRouter } from '../serving/traffic-router.ts';
import { pickArm, stickyArm } from './assignment.ts';
import type { AbTest } from './types.ts';

/**
 * Routes predictions of endpoints with a running test. Holds the running tests in memory (the
 * hot path must not query SQLite for them) and is reloaded whenever a test starts or stops.
 */
export class ExperimentRouter implements TrafficRouter {
  private byEndpoint = new Map<number, AbTest>();

  constructor(
    private readonly loadRunning: () => AbTest[],
    private readonly random: () => number = Math.random
  ) {
    this.reload();
  }

  reload(): void {
    this.byEndpoint = new Map(this.loadRunning().map((t) => [t.endpointId, t]));
  }

  route(endpointId: number, clientKey: string | null): RouteDecision | null {
    const test = this.byEndpoint.get(endpointId);
    if (!test) return null;
    const ids = test.arms.map((a) => a.algorithmId);
    if (test.mode === 'shadow') {
      return { abTestId: test.id, algorithmId: ids[0]!, shadowAlgorithmIds: ids.slice(1) };
    }
    const index = clientKey ? stickyArm(test.arms, clientKey, test.id) : pickArm(test.arms, this.random);
    return { abTestId: test.id, algorithmId: ids[index]!, shadowAlgorithmIds: [] };
  }
}
