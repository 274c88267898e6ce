import { Anchor, Badge, DataList, Divider, Group, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { TimedPrediction } from '../api/predict.ts';
import type { Algorithm } from '../api/types.ts';
import { ProbabilityChart } from '../charts/ProbabilityChart.tsx';
import { algorithmLabel, formatMs, formatPercent } from '../lib/format.ts';
import { href } from '../lib/router.ts';
import { BatchAnswers } from './BatchAnswers.tsx';
import { FeedbackInput } from './FeedbackInput.tsx';
import { StatusBadge } from './StatusBadge.tsx';

/**
 * The answer: label (or value), class probabilities, latency, request id, who answered; feedback.
 * A batch lists every record's answer; the one chosen in the list is shown in full.
 */
export function PredictionResult({ result, algorithms, freeTextFeedback }: { result: TimedPrediction; algorithms: Algorithm[]; freeTextFeedback: boolean }) {
  const { roundTripMs, batchSize } = result;
  const [index, setIndex] = useState(0);
  const prediction = result.predictions[index] ?? result.prediction;
  const answered = algorithms.find((a) => a.id === prediction.algorithm_id);
  const label = prediction.label === undefined ? undefined : String(prediction.label);
  const value = prediction.prediction;
  return (
    <Stack gap="md" data-testid="prediction-result">
      {batchSize > 1 && <BatchAnswers predictions={result.predictions} selected={index} onSelect={setIndex} />}
      <Group justify="space-between" align="flex-start">
        <Stack gap={0}>
          <Text size="xs" c="dimmed" tt="uppercase" fw={700}>{label !== undefined ? 'Label' : 'Prediction'}{batchSize > 1 ? ` · record ${index}` : ''}</Text>
          <Title order={2} fz={30} data-testid="prediction-label">
            {label ?? (Array.isArray(value) ? value.map((v) => v.toFixed(4)).join(', ') : value?.toFixed(4)) ?? '—'}
          </Title>
          {prediction.probability != null && (
            <Text size="sm" c="dimmed">probability {formatPercent(prediction.probability, 1)}</Text>
          )}
        </Stack>
        {prediction.ab_test_id !== null && (
          <Anchor href={href(`abtests/${prediction.ab_test_id}`)}>
            <Badge variant="light" color="grape">A/B test #{prediction.ab_test_id}</Badge>
          </Anchor>
        )}
      </Group>
      {prediction.probabilities && <ProbabilityChart probabilities={prediction.probabilities} label={label} />}
      <DataList orientation="horizontal" labelWidth={130} size="sm" withDivider>
        <Stat label="Round trip" testId="prediction-latency">{formatMs(roundTripMs)}{batchSize > 1 ? ` for ${batchSize} records` : ''}</Stat>
        <Stat label="Request" testId="prediction-request-id">
          {prediction.request_id === null ? '—' : <Anchor href={href('requests', { id: prediction.request_id })}>#{prediction.request_id}</Anchor>}
        </Stat>
        <Stat label="Answered by" testId="prediction-algorithm">
          {answered ? algorithmLabel(answered) : `#${prediction.algorithm_id} v${prediction.version}`}
          {answered && <StatusBadge status={answered.current_status} size="xs" />}
        </Stat>
      </DataList>
      {prediction.request_id !== null && (
        <>
          <Divider />
          <FeedbackInput
            key={prediction.request_id}
            requestId={prediction.request_id}
            initial={null}
            options={answered?.classes}
            freeText={freeTextFeedback}
            label="Feedback: what was the true answer?"
            testId="playground-feedback"
          />
        </>
      )}
    </Stack>
  );
}

function Stat({ label, testId, children }: { label: string; testId: string; children: React.ReactNode }) {
  return (
    <DataList.Item>
      <DataList.ItemLabel>{label}</DataList.ItemLabel>
      <DataList.ItemValue>
        <Group gap={8} fw={600} fz="sm" data-testid={testId}>{children}</Group>
      </DataList.ItemValue>
    </DataList.Item>
  );
}
