import { Alert, Anchor, Badge, Button, Grid, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useAbTest, useAbTimeline } from '../api/abtests.ts';
import { MetricTimelineChart } from '../charts/MetricTimelineChart.tsx';
import { TrafficSplit } from '../charts/TrafficSplit.tsx';
import type { AbTest } from '../api/types.ts';
import { armTitle, metricLabels } from '../lib/abtest.ts';
import { formatDateTime } from '../lib/format.ts';
import { href } from '../lib/router.ts';
import { ArmResultsTable } from './ArmResultsTable.tsx';
import { Empty, QueryState } from './QueryState.tsx';
import { StopAbTestModal } from './StopAbTestModal.tsx';
import { ComparisonList, VerdictAlert } from './VerdictCard.tsx';

function outcomeTitle(t: AbTest): string {
  const promoted = t.results?.arms.find((a) => a.algorithm_id === t.outcome?.promoted_algorithm_id);
  if (!promoted) return 'Stopped: production unchanged';
  return `Stopped: ${armTitle(promoted)} v${promoted.version} promoted to production${t.outcome?.forced ? ' (override)' : ''}`;
}

/** One A/B test, live: verdict, arms with CIs, metric over time, traffic split, stop. */
export function AbTestDetail({ id }: { id: number }) {
  const test = useAbTest(id);
  const running = test.data?.state === 'running';
  const timeline = useAbTimeline(id, running);
  const [stopping, setStopping] = useState(false);

  return (
    <QueryState query={test} label="the A/B test">
      {(t) => (
        <Stack gap="md" data-testid="abtest-detail" data-state={t.state}>
          <Group justify="space-between" align="flex-start">
            <Stack gap={4}>
              <Anchor href={href('abtests')} size="sm">← All A/B tests</Anchor>
              <Group gap="sm">
                <Title order={2} fz={22} data-testid="abtest-title">{t.title}</Title>
                <Badge color={running ? 'grape' : 'gray'} variant={running ? 'dot' : 'light'} data-testid="abtest-state">{running ? 'Running · live' : 'Stopped'}</Badge>
              </Group>
              <Text size="sm" c="dimmed">
                <span className="md-mono">{t.endpoint_name}</span> · {t.mode === 'shadow' ? 'shadow mode' : 'split traffic'} · {metricLabels[t.metric]} ·
                started {formatDateTime(t.created_at)} by {t.created_by}
                {t.ended_at ? ` · stopped ${formatDateTime(t.ended_at)}` : ''}
              </Text>
            </Stack>
            {running && <Button color="red" variant="light" onClick={() => setStopping(true)} data-testid="abtest-stop">Stop test…</Button>}
          </Group>
          {!running && (t.outcome || t.summary) && (
            <Alert color="blue" variant="light" title={outcomeTitle(t)} data-testid="abtest-outcome">
              {t.outcome?.reason ?? t.summary}
            </Alert>
          )}
          {t.results ? (
            <>
              <Grid gap="lg">
                <Grid.Col span={{ base: 12, lg: 8 }}>
                  <VerdictAlert results={t.results} final={!running} />
                </Grid.Col>
                <Grid.Col span={{ base: 12, lg: 4 }}>
                  <Paper withBorder p="md" h="100%">
                    <TrafficSplit arms={t.results.arms} shadow={t.mode === 'shadow'} />
                  </Paper>
                </Grid.Col>
                <Grid.Col span={{ base: 12, lg: 8 }}>
                  <Paper withBorder p="md" h="100%">
                    <Title order={3} fz="md" mb="xs">{metricLabels[t.metric]} over time, with 95% confidence intervals</Title>
                    {timeline.data && timeline.data.points.length > 0 ? (
                      <MetricTimelineChart timeline={timeline.data} arms={t.results.arms} metric={t.results.metric} />
                    ) : (
                      <Empty title="No feedback yet" description="The curve starts with the first labelled prediction." testId="timeline-empty" />
                    )}
                  </Paper>
                </Grid.Col>
                <Grid.Col span={{ base: 12, lg: 4 }}>
                  <Paper withBorder p="md" h="100%">
                    <Title order={3} fz="md" mb="xs">Comparison</Title>
                    <ComparisonList results={t.results} />
                  </Paper>
                </Grid.Col>
              </Grid>
              <Paper withBorder p="md">
                <Title order={3} fz="md" mb="xs">Arms</Title>
                <ArmResultsTable results={t.results} winnerId={t.results.verdict.code === 'better' ? t.results.verdict.winner_algorithm_id : null} />
              </Paper>
            </>
          ) : (
            <Paper withBorder><Empty title="No results yet" description="Results appear once predictions reach the arms." /></Paper>
          )}
          <StopAbTestModal test={t} opened={stopping} onClose={() => setStopping(false)} />
        </Stack>
      )}
    </QueryState>
  );
}
