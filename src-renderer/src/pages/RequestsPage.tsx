import { Group, Pagination, Paper, Text } from '@mantine/core';
import { isOneOf, requestStatusValues } from '../../../src-main/contract/enums.ts';
import { useApiKeys } from '../api/access.ts';
import { useAlgorithms, useEndpoints } from '../api/registry.ts';
import { useRefusals, useRequestLog } from '../api/requests.ts';
import type { RequestQuery } from '../api/types.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { Empty, QueryState } from '../components/QueryState.tsx';
import { RefusalSummary } from '../components/RefusalSummary.tsx';
import { RequestDrawer } from '../components/RequestDrawer.tsx';
import { filterKeys, RequestFilters, timeRanges, type RequestFilterValues } from '../components/RequestFilters.tsx';
import { RequestTable } from '../components/RequestTable.tsx';
import { useSetParam, type Route } from '../lib/router.ts';

const pageSize = 25;

const isoOf = (local: string): string | undefined => {
  if (!local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
};

/** The request log: filter, page, open one request, add or change feedback inline. */
export function RequestsPage({ route }: { route: Route }) {
  const setParam = useSetParam();
  const endpoints = useEndpoints();
  const algorithms = useAlgorithms();
  // only an admin credential may list keys; for others the key filter is simply absent
  const keys = useApiKeys();
  const values = Object.fromEntries(filterKeys.map((k) => [k, route.params.get(k) ?? ''])) as unknown as RequestFilterValues;
  const page = Math.max(1, Number(route.params.get('page')) || 1);
  const openId = Number(route.params.get('id')) || null;

  // a preset counts back from now, to the minute (a query key that changes each minute, not each render)
  const preset = timeRanges[values.range];
  const since = preset ? new Date(Math.floor((Date.now() - preset.ms) / 60_000) * 60_000).toISOString() : undefined;
  const query: RequestQuery = {
    page,
    page_size: pageSize,
    order: values.order === 'asc' ? 'asc' : 'desc',
    ...(values.endpoint ? { endpoint: values.endpoint } : {}),
    ...(values.algorithm ? { algorithm: Number(values.algorithm) } : {}),
    ...(isOneOf(requestStatusValues, values.status) ? { status: values.status } : {}),
    ...(values.feedback ? { feedback: values.feedback === 'true' } : {}),
    ...(Number(values.api_key) > 0 ? { api_key: Number(values.api_key) } : {}),
    ...(since ? { from: since } : isoOf(values.from) ? { from: isoOf(values.from)! } : {}),
    ...(isoOf(values.to) ? { to: isoOf(values.to)! } : {})
  };
  const log = useRequestLog(query);
  const refusals = useRefusals({
    ...(query.endpoint ? { endpoint: query.endpoint } : {}),
    ...(query.algorithm ? { algorithm: query.algorithm } : {}),
    ...(query.from ? { from: query.from } : {}),
    ...(query.to ? { to: query.to } : {})
  });
  const filtered = filterKeys.some((k) => k !== 'order' && values[k]);

  return (
    <>
      <PageHeader title="Requests" description="Every prediction, with its input, response and feedback (ground truth)." />
      <Paper withBorder p="md" mb="md">
        <RequestFilters
          values={values}
          endpoints={endpoints.data ?? []}
          algorithms={algorithms.data ?? []}
          keys={keys.data ?? []}
          onChange={(key, value) => { setParam('page', null); setParam(key, value); }}
          onRefresh={() => { void log.refetch(); void refusals.refetch(); }}
          refreshing={log.isFetching}
        />
      </Paper>
      <Paper withBorder p="sm" mb="md">
        <RefusalSummary summary={refusals.data} />
      </Paper>
      <Paper withBorder>
        <QueryState
          query={log}
          label="requests"
          isEmpty={(data) => data.count === 0}
          empty={
            <Empty
              title={filtered ? 'No requests match these filters' : 'No requests yet'}
              description={filtered ? 'Widen the filters to see more.' : 'Predictions appear here as soon as a client (or the Playground) calls an endpoint.'}
              testId="requests-empty"
            />
          }
        >
          {(data) => (
            <>
              <RequestTable
                rows={data.results}
                endpoints={endpoints.data ?? []}
                algorithms={algorithms.data ?? []}
                onOpen={(id) => setParam('id', String(id))}
                order={query.order ?? 'desc'}
                onOrder={(o) => { setParam('page', null); setParam('order', o === 'desc' ? null : o); }}
              />
              <Group justify="space-between" p="sm">
                <Text size="sm" c="dimmed" data-testid="requests-count">
                  {(page - 1) * pageSize + 1}–{Math.min(page * pageSize, data.count)} of {data.count}
                </Text>
                <Pagination
                  total={Math.max(1, Math.ceil(data.count / pageSize))}
                  value={page}
                  onChange={(p) => setParam('page', p === 1 ? null : String(p))}
                  size="sm"
                  getControlProps={(control) => ({ 'aria-label': `${control} page` })}
                />
              </Group>
            </>
          )}
        </QueryState>
      </Paper>
      <RequestDrawer id={openId} endpoints={endpoints.data ?? []} algorithms={algorithms.data ?? []} keys={keys.data ?? []} onClose={() => setParam('id', null)} />
    </>
  );
}
