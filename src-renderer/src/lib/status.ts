import type { StatusValue } from '../api/types.ts';

export const statusColors: Record<string, string> = {
  production: 'teal',
  staging: 'blue',
  testing: 'yellow',
  ab_testing: 'grape',
  archived: 'gray'
};

export const statusLabels: Record<string, string> = {
  production: 'Production',
  staging: 'Staging',
  testing: 'Testing',
  ab_testing: 'A/B testing',
  archived: 'Archived'
};

export const statusOrder: StatusValue[] = ['production', 'ab_testing', 'staging', 'testing', 'archived'];

export const statusRank = (status: string | null): number => {
  const index = statusOrder.indexOf((status ?? 'archived') as StatusValue);
  return index === -1 ? statusOrder.length : index;
};
