import { Badge, Table, Text } from '@mantine/core';
import type { ImportResult } from '../api/bundles.ts';

export type PlanKindName = 'endpoints' | 'algorithms' | 'statuses' | 'ab_tests' | 'requests' | 'reference_profiles';
type Outcome = 'added' | 'identical' | 'skipped' | 'renamed';

export const planKinds: PlanKindName[] = ['endpoints', 'algorithms', 'statuses', 'ab_tests', 'requests', 'reference_profiles'];
export const kindTitles: Record<PlanKindName, string> = {
  endpoints: 'Endpoints',
  algorithms: 'Algorithm versions',
  statuses: 'Status history (rows)',
  ab_tests: 'A/B tests',
  requests: 'Request log (rows)',
  reference_profiles: 'Drift reference profiles'
};
export const outcomeLabels: Record<Outcome, string> = { added: 'Added', identical: 'Already here', skipped: 'Skipped', renamed: 'Renamed' };
const outcomeColors: Record<Outcome, string> = { added: 'teal', identical: 'gray', skipped: 'orange', renamed: 'violet' };

interface AnyItem {
  reason: string;
  name?: string;
  endpoint?: string;
  version?: string;
  local_version?: string | null;
  title?: string;
  rows?: number;
}

function what(kind: PlanKindName, item: AnyItem): string {
  if (kind === 'endpoints') return item.name!;
  if (kind === 'ab_tests') return `${item.endpoint} · "${item.title}"`;
  const renamed = item.local_version && item.local_version !== item.version ? ` → ${item.local_version}` : '';
  return `${item.endpoint} · ${item.name} v${item.version}${renamed}`;
}

/** One kind's items: outcome, what, how many rows (history and requests), and why. */
export function ImportPlanItems({ plan, kind }: { plan: ImportResult; kind: PlanKindName }) {
  const rows = (Object.keys(outcomeLabels) as Outcome[]).flatMap((outcome) =>
    (plan[kind][outcome] as AnyItem[]).map((item, i) => ({ outcome, item, key: `${outcome}-${i}` }))
  );
  if (!rows.length) return <Text size="sm" c="dimmed">None in this bundle.</Text>;
  const counted = kind === 'statuses' || kind === 'requests';
  return (
    <Table fz="sm" verticalSpacing={4} data-testid={`plan-items-${kind}`}>
      <Table.Tbody>
        {rows.map(({ outcome, item, key }) => (
          <Table.Tr key={key}>
            <Table.Td w={130}><Badge size="sm" variant="light" tt="none" color={outcomeColors[outcome]}>{outcomeLabels[outcome]}</Badge></Table.Td>
            <Table.Td className="md-mono">{what(kind, item)}</Table.Td>
            {counted && <Table.Td ta="right" w={80}>{item.rows}</Table.Td>}
            <Table.Td c="dimmed">{item.reason}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
