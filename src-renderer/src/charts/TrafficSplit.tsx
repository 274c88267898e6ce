import { Group, Progress, Stack, Text, Tooltip } from '@mantine/core';
import type { AbTestResults } from '../api/types.ts';
import { armColor } from '../lib/abtest.ts';

/** Actual share of requests per arm against the configured weights, and feedback coverage. */
export function TrafficSplit({ arms, shadow }: { arms: AbTestResults['arms']; shadow: boolean }) {
  const total = arms.reduce((n, a) => n + a.requests, 0);
  const weights = arms.reduce((n, a) => n + a.weight, 0) || 1;
  return (
    <Stack gap="md" data-testid="traffic-split">
      <Stack gap={4}>
        <Text size="sm" fw={600}>Traffic {shadow ? '(shadow: every arm sees every request)' : 'split'}</Text>
        <Bar label="Actual" sections={arms.map((a, i) => ({ value: total ? (a.requests / total) * 100 : 0, color: armColor(i), tip: `${a.arm}: ${a.requests} requests` }))} />
        <Bar label="Target" sections={arms.map((a, i) => ({ value: (a.weight / weights) * 100, color: armColor(i), tip: `${a.arm}: weight ${a.weight}` }))} muted />
      </Stack>
      <Stack gap={6}>
        <Text size="sm" fw={600}>Feedback coverage</Text>
        {arms.map((a, i) => {
          // refused requests were never answered, so nothing can label them
          const answered = a.requests - (a.refused ?? 0);
          const share = answered ? a.feedback / answered : 0;
          return (
            <Group key={a.algorithm_id} gap="sm" wrap="nowrap">
              <Text size="xs" w={18} fw={700} c={armColor(i)}>{a.arm}</Text>
              <Progress value={share * 100} color={armColor(i)} size="md" style={{ flex: 1 }} aria-label={`Arm ${a.arm} feedback coverage`} />
              <Text size="xs" c="dimmed" w={150} ta="right" data-testid={`coverage-${a.arm}`}>
                {a.feedback} / {answered} labelled ({Math.round(share * 100)}%)
              </Text>
            </Group>
          );
        })}
      </Stack>
    </Stack>
  );
}

function Bar({ label, sections, muted }: { label: string; sections: { value: number; color: string; tip: string }[]; muted?: boolean }) {
  return (
    <Group gap="sm" wrap="nowrap">
      <Text size="xs" c="dimmed" w={44}>{label}</Text>
      <Progress.Root size={18} style={{ flex: 1 }} aria-label={`${label} traffic share`}>
        {sections.map((s) => (
          <Tooltip key={s.tip} label={s.tip}>
            <Progress.Section value={s.value} color={s.color} style={muted ? { opacity: 0.45 } : undefined}>
              <Progress.Label>{s.value >= 8 ? `${Math.round(s.value)}%` : ''}</Progress.Label>
            </Progress.Section>
          </Tooltip>
        ))}
      </Progress.Root>
    </Group>
  );
}
