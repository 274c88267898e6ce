import { Alert, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { DriftReportBody } from '../../api/monitoring.ts';
import { formatDateTime, formatPercent } from '../../lib/format.ts';
import { DriftTable, VerdictBadge } from './DriftTable.tsx';
import { HistogramOverlay } from './HistogramOverlay.tsx';
import { ReferencePanel } from './ReferencePanel.tsx';

/** The dataset verdict in words: how many features drift, and which. */
function datasetSentence(r: DriftReportBody): string {
  if (r.verdict === 'not_enough_data') return `${r.rows.toLocaleString()} rows counted in the window: at least 200 are needed before drift is judged.`;
  const judged = r.features.filter((f) => f.verdict !== 'not_enough_data').length;
  if (r.drifted.length === 0) return `None of the ${judged} features drifts${r.warnings.length ? ` (warnings: ${r.warnings.join(', ')})` : ''}.`;
  return `${r.drifted.length} of ${judged} features drift (${formatPercent(r.drifted_share, 0)}): ${r.drifted.join(', ')}.`;
}

/**
 * Drift of one version over the window: the reference, the dataset and prediction verdicts, the
 * table of features and of prediction columns, and the histograms of the column picked.
 */
export function DriftSection({ report, window, selected, onSelect }: { report: DriftReportBody; window: string; selected: string | null; onSelect: (column: string | null) => void }) {
  const a = report.algorithm;
  const columns = [...report.features, ...report.prediction.columns];
  const column = columns.some((c) => c.name === selected) ? selected : null;
  return (
    <Stack gap="md" data-testid="drift-section">
      <Paper withBorder p="md">
        <Group justify="space-between" align="flex-start" mb="sm">
          <Stack gap={2}>
            <Title order={2} fz="lg">Data and prediction drift</Title>
            <Text size="sm" c="dimmed">
              {a.name} {a.version} · whole hours from {formatDateTime(report.from)} to now, against its reference profile
            </Text>
          </Stack>
          {report.reference && (
            <Group gap="lg">
              <Stack gap={2} align="flex-end">
                <Text size="xs" c="dimmed">Dataset</Text>
                <VerdictBadge verdict={report.verdict} size="lg" testId="dataset-verdict" />
              </Stack>
              <Stack gap={2} align="flex-end">
                <Text size="xs" c="dimmed">Prediction</Text>
                <VerdictBadge verdict={report.prediction.verdict} size="lg" testId="prediction-verdict" />
              </Stack>
            </Group>
          )}
        </Group>
        <ReferencePanel
          algorithm={a}
          reference={report.reference}
          emptyReason={report.empty_reason}
          window={window}
          tensorOnly={report.features_note !== null}
        />
      </Paper>
      {report.features_note && (
        <Alert color="gray" variant="light" data-testid="tensor-only-note">
          <Text size="sm">This model {report.features_note.replace(/^this model /, '')}.</Text>
        </Alert>
      )}
      {report.reference && (
        <Paper withBorder p="md">
          <Text size="sm" mb="sm" data-testid="dataset-sentence">
            {datasetSentence(report)}
            {report.sample_share !== null && report.sample_share < 0.99 && (
              <Text span size="sm" c="dimmed"> Measured on {report.rows.toLocaleString()} rows: a uniform sample of {formatPercent(report.sample_share, 0)} of the window's requests.</Text>
            )}
          </Text>
          {report.features.length > 0 && (
            <>
              <Title order={3} fz="md" mb={4}>Features</Title>
              <DriftTable columns={report.features} selected={column} onSelect={onSelect} testId="drift-table" />
            </>
          )}
          {report.prediction.columns.length > 0 && (
            <>
              <Title order={3} fz="md" mt="md" mb={4}>Predictions</Title>
              <DriftTable columns={report.prediction.columns} selected={column} onSelect={onSelect} testId="prediction-drift-table" />
            </>
          )}
          {!column && <Text size="xs" c="dimmed" mt="sm">Click a row to lay its current distribution over the reference.</Text>}
        </Paper>
      )}
      {report.reference && column && <HistogramOverlay algorithm={a.id} column={column} window={window} />}
    </Stack>
  );
}
