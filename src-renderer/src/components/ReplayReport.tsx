import { Alert, Button, Group, List, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { ReplayArmBody, ReplayReportBody, ReplayVerdictCode } from '../../../src-main/contract/replay-report.ts';
import { useCreateAbTest } from '../api/abtests.ts';
import { errorMessage } from '../api/client.ts';
import type { JobView } from '../api/jobs.ts';
import { useAlgorithms } from '../api/registry.ts';
import { formatPercent, formatUs } from '../lib/format.ts';
import { formatCount } from '../lib/jobs.ts';
import { navigate } from '../lib/router.ts';
import { useUserName } from '../lib/user.ts';
import { StatusChangeModal, type StatusChange } from './StatusChangeModal.tsx';

const verdictTitles: Record<ReplayVerdictCode, string> = {
  better: 'The candidate is better',
  worse: 'The candidate is worse',
  no_difference: 'No significant difference',
  no_feedback: 'Agreement only: no feedback to compare',
  nothing_compared: 'Nothing could be compared'
};
const verdictColors: Record<ReplayVerdictCode, string> = { better: 'teal', worse: 'red', no_difference: 'blue', no_feedback: 'gray', nothing_compared: 'orange' };

const pText = (p: number | null) => (p === null ? '—' : p < 0.001 ? '< 0.001' : p.toFixed(3));

/** A replay's report: the verdict, one click to an A/B test or a promotion, and the numbers behind it. */
export function ReplayReport({ job, report }: { job: JobView; report: ReplayReportBody }) {
  const algorithms = useAlgorithms();
  const createTest = useCreateAbTest();
  const [user] = useUserName();
  const [promotion, setPromotion] = useState<StatusChange | null>(null);
  const candidate = algorithms.data?.find((a) => a.id === report.candidate.algorithm_id);
  const incumbent = report.arms.find((a) => !a.is_candidate);
  const { verdict } = report;

  const startTest = () =>
    incumbent &&
    createTest.mutate(
      {
        title: `${incumbent.name} v${incumbent.version} vs ${report.candidate.name} v${report.candidate.version} (after replay #${job.id})`,
        created_by: user.trim() || 'replay',
        arms: [{ algorithm_id: incumbent.algorithm_id }, { algorithm_id: report.candidate.algorithm_id }]
      },
      { onSuccess: (test) => navigate(`abtests/${test.id}`) }
    );

  return (
    <Stack gap="md" data-testid="replay-report">
      <Alert color={verdictColors[verdict.code]} variant="light" title={verdictTitles[verdict.code]} data-testid="replay-verdict" data-verdict={verdict.code}>
        <Stack gap="sm">
          <Text size="md" data-testid="replay-verdict-text">{verdict.text}</Text>
          <Group gap="sm">
            <Button variant="white" onClick={startTest} loading={createTest.isPending} disabled={!incumbent} data-testid="replay-start-abtest">
              Start an A/B test with the candidate
            </Button>
            <Button
              variant={verdict.code === 'better' ? 'filled' : 'default'}
              disabled={!candidate}
              onClick={() =>
                candidate &&
                setPromotion({
                  algorithm: candidate,
                  status: 'production',
                  title: 'Promote the candidate',
                  consequence: 'The current production version moves to staging. The replay report is the reason below.',
                  defaultReason: `Replay #${job.id} of ${formatCount(report.replayed)} logged requests: ${verdict.text}`
                })
              }
              data-testid="replay-promote"
            >
              Promote to production…
            </Button>
          </Group>
          {createTest.error && <Text c="red" size="sm">{errorMessage(createTest.error)}</Text>}
        </Stack>
      </Alert>
      <Paper withBorder p="md">
        <Title order={3} fz="md" mb="xs">By the model that answered</Title>
        <ArmsTable report={report} />
        {report.skipped.length > 0 && (
          <>
            <Text size="sm" fw={600} mt="md">Skipped</Text>
            <List size="sm" data-testid="replay-skipped">
              {report.skipped.map((s) => <List.Item key={s.reason}>{formatCount(s.count)} × {s.reason}</List.Item>)}
            </List>
          </>
        )}
      </Paper>
      {report.overall?.flips && <FlipMatrix arm={report.overall} />}
      <LatencyTable report={report} />
      <StatusChangeModal change={promotion} onClose={() => setPromotion(null)} />
    </Stack>
  );
}

function ArmsTable({ report }: { report: ReplayReportBody }) {
  const accuracy = report.task !== 'regression';
  const metric = (v: number) => (accuracy ? formatPercent(v) : v.toPrecision(4));
  return (
    <Table verticalSpacing="xs" data-testid="replay-arms">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Answered by</Table.Th>
          <Table.Th ta="right">Compared</Table.Th>
          <Table.Th ta="right">Same answer</Table.Th>
          <Table.Th ta="right">With feedback</Table.Th>
          <Table.Th ta="right">{accuracy ? 'Accuracy then' : 'MAE then'}</Table.Th>
          <Table.Th ta="right">Candidate</Table.Th>
          <Table.Th ta="right">Difference (95% CI)</Table.Th>
          <Table.Th ta="right">p</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {report.arms.map((arm) => {
          const c = arm.comparison;
          const diff = (v: number) => (accuracy ? `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(1)}` : `${v >= 0 ? '+' : '−'}${Math.abs(v).toPrecision(3)}`);
          return (
            <Table.Tr key={arm.algorithm_id} data-testid={`replay-arm-${arm.algorithm_id}`}>
              <Table.Td>
                <Text size="sm">{arm.name} v{arm.version}{arm.is_candidate ? ' (the candidate itself)' : ''}</Text>
                {arm.ab_test_ids.length > 0 && <Text size="xs" c="dimmed">arm of A/B test {arm.ab_test_ids.map((id) => `#${id}`).join(', ')}</Text>}
              </Table.Td>
              <Table.Td ta="right">{formatCount(arm.compared)}</Table.Td>
              <Table.Td ta="right">{formatPercent(arm.agreement)}</Table.Td>
              <Table.Td ta="right">{formatCount(c?.labelled ?? 0)}</Table.Td>
              <Table.Td ta="right">{c ? metric(c.answered) : '—'}</Table.Td>
              <Table.Td ta="right">{c ? metric(c.candidate) : '—'}</Table.Td>
              <Table.Td ta="right">{c ? `${diff(c.difference)}${c.ci ? ` (${diff(c.ci.lower)} to ${diff(c.ci.upper)})` : ''}${accuracy ? ' pts' : ''}` : '—'}</Table.Td>
              <Table.Td ta="right">{c ? `${pText(c.p_value)} ${c.test === 'McNemar' ? 'McNemar' : 't'}` : '—'}</Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

function FlipMatrix({ arm }: { arm: ReplayArmBody }) {
  const flips = arm.flips!;
  return (
    <Paper withBorder p="md">
      <Title order={3} fz="md" mb={4}>Flips</Title>
      <Text size="xs" c="dimmed" mb="xs">Rows: the label answered then. Columns: the candidate&apos;s label for the same request.</Text>
      <Table withColumnBorders verticalSpacing={4} maw={560} data-testid="replay-flips">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>then ↓ · candidate →</Table.Th>
            {flips.labels.map((label) => <Table.Th key={label} ta="right" className="md-mono">{label}</Table.Th>)}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {flips.labels.map((from, i) => (
            <Table.Tr key={from}>
              <Table.Td className="md-mono">{from}</Table.Td>
              {flips.counts[i]!.map((n, j) => (
                <Table.Td key={j} ta="right" fw={i === j ? 400 : 600} c={i !== j && n > 0 ? 'orange' : undefined}>{formatCount(n)}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

function LatencyTable({ report }: { report: ReplayReportBody }) {
  return (
    <Paper withBorder p="md">
      <Title order={3} fz="md" mb={4}>Latency</Title>
      <Text size="xs" c="dimmed" mb="xs">{report.latency_note}.</Text>
      <Table verticalSpacing="xs" data-testid="replay-latency">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Answered by</Table.Th>
            <Table.Th ta="right">Logged p50 / p95</Table.Th>
            <Table.Th ta="right">That model now p50 / p95</Table.Th>
            <Table.Th ta="right">Candidate now p50 / p95</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {report.arms.filter((a) => !a.is_candidate).map((arm) => (
            <Table.Tr key={arm.algorithm_id}>
              <Table.Td>{arm.name} v{arm.version}</Table.Td>
              <Table.Td ta="right">{formatUs(arm.latency.logged.p50_us)} / {formatUs(arm.latency.logged.p95_us)}</Table.Td>
              <Table.Td ta="right">{formatUs(arm.latency.answered_now.p50_us)} / {formatUs(arm.latency.answered_now.p95_us)}</Table.Td>
              <Table.Td ta="right">{formatUs(arm.latency.candidate_now.p50_us)} / {formatUs(arm.latency.candidate_now.p95_us)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}
