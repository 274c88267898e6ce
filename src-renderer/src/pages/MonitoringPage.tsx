import { Grid, Group, Paper, SegmentedControl, Select, Stack, Text, Title } from '@mantine/core';
import { monitoringWindows } from '../../../src-main/contract/monitoring.ts';
import { useDrift, useSeries, type HealthSeries, type MonitoringQuery } from '../api/monitoring.ts';
import { useAlgorithms, useEndpoints } from '../api/registry.ts';
import { HealthCharts } from '../components/monitoring/HealthCharts.tsx';
import { DriftSection } from '../components/monitoring/DriftSection.tsx';
import { QualityChart, QualitySummary } from '../components/monitoring/QualityChart.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { Empty, QueryState } from '../components/QueryState.tsx';
import { formatPercent } from '../lib/format.ts';
import { formatRate } from '../lib/monitoring.ts';
import { href, useSetParam, type Route } from '../lib/router.ts';
import { statusLabel } from '../lib/status.ts';

/**
 * Serving health, model quality and drift of an endpoint (all its versions, or one) over a
 * window ending now. Endpoint, version, window and the column whose histograms are open live in
 * the address, so a view can be shared and survives a reload.
 */
export function MonitoringPage({ route }: { route: Route }) {
  const setParam = useSetParam();
  const endpoints = useEndpoints();
  const algorithms = useAlgorithms();
  const endpoint = route.params.get('endpoint') ?? endpoints.data?.[0]?.name ?? null;
  const algorithm = Number(route.params.get('algorithm')) || undefined;
  const window = route.params.get('window') ?? '24h';
  const query: MonitoringQuery | null = endpoint ? { endpoint, algorithm, window } : null;
  const series = useSeries(query);
  const drift = useDrift(query);
  const own = (algorithms.data ?? []).filter((a) => a.endpoint === endpoint);

  const pickers = (
    <Group gap="sm" wrap="nowrap">
      <Select
        aria-label="Endpoint"
        data={(endpoints.data ?? []).map((e) => e.name)}
        value={endpoint}
        onChange={(name) => { setParam('algorithm', null); setParam('column', null); setParam('endpoint', name); }}
        w={200}
        allowDeselect={false}
        data-testid="monitoring-endpoint"
      />
      <Select
        aria-label="Version"
        data={[{ value: '', label: 'All versions' }, ...own.map((a) => ({ value: String(a.id), label: `${a.name} ${a.version}${a.current_status ? ` · ${statusLabel(a.current_status) ?? a.current_status}` : ''}` }))]}
        value={algorithm ? String(algorithm) : ''}
        onChange={(id) => { setParam('column', null); setParam('algorithm', id || null); }}
        w={280}
        allowDeselect={false}
        data-testid="monitoring-version"
      />
      <SegmentedControl data={[...monitoringWindows]} value={window} onChange={(w) => setParam('window', w === '24h' ? null : w)} data-testid="monitoring-window" />
    </Group>
  );

  return (
    <>
      <PageHeader title="Monitoring" description="Serving health, model quality from feedback, and data drift against a reference, over time." actions={pickers} />
      {endpoints.data?.length === 0 ? (
        <Paper withBorder>
          <Empty title="Nothing to monitor yet" description={<>Register a model on the <a href={href('models')}>Models</a> page and send it predictions.</>} />
        </Paper>
      ) : (
        <QueryState query={series} label="serving health">
          {(s) => (
            <Stack gap="lg" data-testid="monitoring-page" data-requests={s.totals.requests}>
              <SummaryCards series={s} />
              {s.totals.requests === 0 && s.totals.refused === 0 ? (
                <Paper withBorder>
                  <Empty
                    title={`No predictions in the last ${window}`}
                    description="Charts fill in as clients call the endpoint (or try it in the Playground). Pick a longer window to see earlier traffic."
                    testId="monitoring-no-traffic"
                  />
                </Paper>
              ) : (
                <HealthCharts series={s} />
              )}
              <Grid gap="lg">
                <QualityChart series={s} />
                <Grid.Col span={12}>
                  <Paper withBorder p="md"><QualitySummary series={s} /></Paper>
                </Grid.Col>
              </Grid>
              <QueryState query={drift} label="drift">
                {(report) => <DriftSection report={report} window={window} selected={route.params.get('column')} onSelect={(c) => setParam('column', c)} />}
              </QueryState>
            </Stack>
          )}
        </QueryState>
      )}
    </>
  );
}

function SummaryCards({ series }: { series: HealthSeries }) {
  const t = series.totals;
  const seconds = (new Date(series.to).getTime() - new Date(series.from).getTime()) / 1000;
  const quality = series.task === 'regression' ? t.quality.rmse : t.quality.accuracy;
  const cards = [
    { label: 'Requests', value: t.requests.toLocaleString(), hint: `${formatRate(t.requests / seconds)} per second on average` },
    { label: 'Error rate', value: formatPercent(t.error_rate, 2), hint: `${t.model_failures} model failures · ${t.refused} refused` },
    { label: 'Latency p95', value: t.latency_ms ? `${t.latency_ms.p95} ms` : '—', hint: t.latency_ms ? `p50 ${t.latency_ms.p50} ms · p99 ${t.latency_ms.p99} ms` : 'no predictions' },
    {
      label: series.task === 'regression' ? 'RMSE' : 'Accuracy',
      value: quality ? (series.task === 'regression' ? quality.value.toPrecision(3) : formatPercent(quality.value)) : '—',
      hint: `${t.quality.feedback.toLocaleString()} predictions with feedback`
    }
  ];
  return (
    <Grid gap="lg">
      {cards.map((c) => (
        <Grid.Col key={c.label} span={{ base: 6, lg: 3 }}>
          <Paper withBorder p="md" data-testid={`summary-${c.label.toLowerCase().replace(/\s+/g, '-')}`}>
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>{c.label}</Text>
            <Title order={3} fz={24} mt={2}>{c.value}</Title>
            <Text size="xs" c="dimmed">{c.hint}</Text>
          </Paper>
        </Grid.Col>
      ))}
    </Grid>
  );
}
