import { isAlgorithmStatus, type AlgorithmStatusValue } from '../../../src-main/contract/enums.ts';

// Keyed by the contract's statuses: a status added there fails to compile here until it has a
// colour, a label and a place in the order.

const statusColors: Record<AlgorithmStatusValue, string> = {
  production: 'teal',
  staging: 'blue',
  testing: 'yellow',
  ab_testing: 'grape',
  archived: 'gray'
};

export const statusLabels: Record<AlgorithmStatusValue, string> = {
  production: 'Production',
  staging: 'Staging',
  testing: 'Testing',
  ab_testing: 'A/B testing',
  archived: 'Archived'
};

/** Lists show what serves first. */
const statusRanks: Record<AlgorithmStatusValue, number> = { production: 0, ab_testing: 1, staging: 2, testing: 3, archived: 4 };

export const statusColor = (status: string | null): string => (isAlgorithmStatus(status) ? statusColors[status] : 'gray');

/** undefined for no status (or one this UI does not know) */
export const statusLabel = (status: string | null): string | undefined => (isAlgorithmStatus(status) ? statusLabels[status] : undefined);

/** No status sorts with archived. */
export const statusRank = (status: AlgorithmStatusValue | null): number => statusRanks[status ?? 'archived'];
