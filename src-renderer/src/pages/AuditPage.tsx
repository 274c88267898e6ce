import { Badge, Group, Pagination, Paper, Select, Table, Text, TextInput } from '@mantine/core';
import { useAudit, useAuditFacets } from '../api/access.ts';
import { ApiError } from '../api/client.ts';
import { useEndpoints } from '../api/registry.ts';
import type { AuditFilter } from '../../../src-main/contract/access.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { Empty, QueryState } from '../components/QueryState.tsx';
import { formatLogTime } from '../lib/format.ts';
import { useSetParam, type Route } from '../lib/router.ts';

const pageSize = 50;
type FilterKey = 'action' | 'actor' | 'endpoint' | 'from' | 'to';

const isoOf = (local: string): string | undefined => {
  const date = new Date(local);
  return local && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined;
};

/** action families get a colour: keys, access and settings stand out from registry work */
const actionColor = (action: string): string =>
  action.startsWith('key.') || action.startsWith('access.') ? 'orange' : action.startsWith('settings.') ? 'grape' : action.startsWith('abtest.') ? 'cyan' : 'indigo';

/** Every change, who made it and from where: filter by action, credential, endpoint and time. */
export function AuditPage({ route }: { route: Route }) {
  const setParam = useSetParam();
  const facets = useAuditFacets();
  const endpoints = useEndpoints();
  const value = (k: FilterKey) => route.params.get(k) ?? '';
  const page = Math.max(1, Number(route.params.get('page')) || 1);
  const query: AuditFilter = {
    page,
    page_size: pageSize,
    ...(value('action') ? { action: value('action') } : {}),
    ...(value('actor') ? { actor: value('actor') } : {}),
    ...(value('endpoint') ? { endpoint: value('endpoint') } : {}),
    ...(isoOf(value('from')) ? { from: isoOf(value('from'))! } : {}),
    ...(isoOf(value('to')) ? { to: isoOf(value('to'))! } : {})
  };
  const log = useAudit(query);
  const change = (key: string, v: string | null) => {
    setParam('page', null);
    setParam(key, v);
  };
  const families = [...new Set((facets.data?.actions ?? []).map((a) => `${a.split('.')[0]}.`))];
  const forbidden = log.error instanceof ApiError && log.error.status === 403;

  return (
    <>
      <PageHeader title="Audit log" description="Every change to the registry, experiments, settings and keys: when, by which credential, from where." />
      <Paper withBorder p="md" mb="md">
        <Group gap="sm" align="flex-end" data-testid="audit-filters">
          <Select
            label="Action"
            placeholder="All actions"
            data={[
              { group: 'Families', items: families.map((f) => ({ value: f, label: `${f}*` })) },
              { group: 'Actions', items: facets.data?.actions ?? [] }
            ]}
            value={value('action') || null}
            onChange={(v) => change('action', v)}
            clearable
            searchable
            w={200}
            data-testid="audit-filter-action"
          />
          <Select label="Credential" placeholder="Anyone" data={facets.data?.actors ?? []} value={value('actor') || null} onChange={(v) => change('actor', v)} clearable searchable w={170} data-testid="audit-filter-actor" />
          <Select label="Endpoint" placeholder="Any" data={(endpoints.data ?? []).map((e) => e.name)} value={value('endpoint') || null} onChange={(v) => change('endpoint', v)} clearable w={170} />
          <TextInput label="From" type="datetime-local" value={value('from')} onChange={(e) => change('from', e.currentTarget.value || null)} w={180} />
          <TextInput label="To" type="datetime-local" value={value('to')} onChange={(e) => change('to', e.currentTarget.value || null)} w={180} />
        </Group>
      </Paper>
      <Paper withBorder>
        {forbidden ? (
          <Empty title="The audit log is for admin credentials" description="Sign in with the admin token or an admin key to see it." testId="audit-forbidden" />
        ) : (
          <QueryState
            query={log}
            label="the audit log"
            isEmpty={(data) => data.count === 0}
            empty={<Empty title="No changes recorded" description="Registrations, status changes, A/B tests, imports, settings and keys appear here." testId="audit-empty" />}
          >
            {(data) => (
              <>
                <Table.ScrollContainer minWidth={900}>
                  <Table verticalSpacing="xs" striped data-testid="audit-table">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th w={150}>Time</Table.Th>
                        <Table.Th w={170}>Credential</Table.Th>
                        <Table.Th w={170}>Action</Table.Th>
                        <Table.Th>What</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {data.results.map((e) => (
                        <Table.Tr key={e.id} data-testid={`audit-row-${e.id}`}>
                          <Table.Td><Text size="sm" className="md-mono" title={e.created_at}>{formatLogTime(e.created_at)}</Text></Table.Td>
                          <Table.Td>
                            <Text size="sm" fw={500}>{e.actor}</Text>
                            {e.client_address && <Text size="xs" c="dimmed" className="md-mono">{e.client_address}</Text>}
                          </Table.Td>
                          <Table.Td>
                            <Badge variant="light" color={actionColor(e.action)} tt="none">{e.action}</Badge>
                            {e.endpoint && <Text size="xs" c="dimmed" className="md-mono">{e.endpoint}</Text>}
                          </Table.Td>
                          <Table.Td><Text size="sm">{e.summary}</Text></Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
                <Group justify="space-between" p="sm">
                  <Text size="sm" c="dimmed" data-testid="audit-count">
                    {(page - 1) * pageSize + 1}–{Math.min(page * pageSize, data.count)} of {data.count}
                  </Text>
                  <Pagination total={Math.max(1, Math.ceil(data.count / pageSize))} value={page} onChange={(p) => setParam('page', p === 1 ? null : String(p))} size="sm" />
                </Group>
              </>
            )}
          </QueryState>
        )}
      </Paper>
    </>
  );
}
