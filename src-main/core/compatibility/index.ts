import type { Compatibility, InputContract } from '../../contract/input-contract.ts';
import { conflict, invalidInput } from '../errors.ts';
import type { Algorithm, AlgorithmStatus } from '../registry/types.ts';
import { compareContracts, summarise } from './compare.ts';
import { contractOf, type ContractSubject } from './input-contract.ts';

export type { ContractSubject } from './input-contract.ts';

/** The registry reads the contract is derived from. */
export interface ContractReader {
  listAlgorithms(filter: { endpointId: number }): Algorithm[];
  listStatuses(filter: { endpointId: number }): AlgorithmStatus[];
}

/** What a request says to go ahead with a breaking change: `allow_breaking_change` and a `reason`. */
export interface BreakingChangeConsent {
  allowBreakingChange?: boolean;
  reason?: string;
}

/**
 * An endpoint's input contract and the one check every change that puts an algorithm in front of
 * its clients goes through (issue 12 §1): registration, promotion to production, an A/B test's
 * arms, an import. Kept apart from the registry's status rules, which only decide what may follow
 * what; this decides whether existing clients would still be served.
 */
export class ContractCheck {
  constructor(private readonly reader: ContractReader) {}

  /** The endpoint's contract, or null when it has no algorithm yet. */
  contract(endpointId: number): InputContract | null {
    const algorithms = this.reader.listAlgorithms({ endpointId });
    if (algorithms.length === 0) return null;
    const { algorithm, source } = this.sourceOf(endpointId, algorithms);
    return { algorithm_id: algorithm.id, source, ...contractOf(algorithm) };
  }

  /** `candidate` against the endpoint's contract; an algorithm compared with itself is compatible. */
  check(endpoint: { id: number; name: string }, candidate: ContractSubject & { id?: number }): Compatibility {
    const contract = this.contract(endpoint.id);
    if (!contract) {
      return { endpoint: endpoint.name, contract: null, compatible: true, differences: [], summary: "This is the endpoint's first algorithm: its inputs become the contract its clients follow." };
    }
    const differences = candidate.id === contract.algorithm_id ? [] : compareContracts(contract, contractOf(candidate));
    return {
      endpoint: endpoint.name,
      contract,
      compatible: !differences.some((d) => d.severity === 'breaking'),
      differences,
      summary: summarise(differences)
    };
  }

  /**
   * Refuses a breaking change (409 with the differences) unless the request consents with a
   * reason; returns the text the status history keeps for an accepted one (null: nothing broke).
   * `what` names the change for the message ("registering …", "promoting …").
   */
  enforce(result: Compatibility, consent: BreakingChangeConsent, what: string): string | null {
    const breaking = result.differences.filter((d) => d.severity === 'breaking');
    if (breaking.length === 0) return null;
    if (!consent.allowBreakingChange) {
      const listed = breaking.slice(0, 3).map((d) => d.message).join(' ');
      const more = breaking.length > 3 ? ` (${breaking.length - 3} more differences listed in "differences")` : '';
      throw conflict(
        `${what} would break the input contract of endpoint "${result.endpoint}": ${listed}${more} ` +
          'Send allow_breaking_change=true with a reason to go ahead anyway.',
        'allow_breaking_change',
        { differences: result.differences }
      );
    }
    const reason = consent.reason?.trim();
    if (!reason) throw invalidInput('a reason is required with allow_breaking_change (it is kept in the status history)', 'reason');
    const kinds = [...new Set(breaking.map((d) => d.kind.replaceAll('_', ' ')))].join(', ');
    return `breaking change accepted (${kinds}): ${reason}`;
  }

  private sourceOf(endpointId: number, algorithms: Algorithm[]): { algorithm: Algorithm; source: InputContract['source'] } {
    const production = algorithms.find((a) => a.currentStatus === 'production');
    if (production) return { algorithm: production, source: 'production' };
    // during an A/B test (or after an archive) clients still send what the last production read
    const byId = new Map(algorithms.map((a) => [a.id, a]));
    const history = this.reader.listStatuses({ endpointId }).filter((s) => s.status === 'production').reverse();
    for (const row of history) {
      const algorithm = byId.get(row.algorithmId);
      if (algorithm && algorithm.currentStatus !== 'archived') return { algorithm, source: 'last_production' };
    }
    return { algorithm: algorithms.find((a) => a.currentStatus !== 'archived') ?? algorithms[0]!, source: 'first_registered' };
  }
}
