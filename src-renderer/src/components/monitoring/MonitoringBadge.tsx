import { Anchor, Badge, Tooltip } from '@mantine/core';
import type { AlgorithmHealthBody } from '../../api/monitoring.ts';
import { formatPercent } from '../../lib/format.ts';
import { href } from '../../lib/router.ts';

/** What the badge says and why, or null when there is nothing to flag. */
export function alertOf(h: AlgorithmHealthBody | undefined): { label: string; why: string } | null {
  if (!h?.alert) return null;
  const reasons: string[] = [];
  if (h.drift === 'drift') reasons.push(`data drift over the last 24 h: ${h.drifted.join(', ')}`);
  if (h.prediction_drift === 'drift') reasons.push('its predictions drift over the last 24 h');
  if (h.error_rate.jumped) reasons.push(`error rate ${formatPercent(h.error_rate.recent)} in the last hour (before: ${formatPercent(h.error_rate.baseline)})`);
  const label = h.error_rate.jumped && h.drift !== 'drift' && h.prediction_drift !== 'drift' ? 'Errors ↑' : h.error_rate.jumped ? 'Drift · errors ↑' : 'Drift';
  return { label, why: reasons.join('; ') };
}

/** A production version that drifts or whose error rate jumped: a red badge linking to its monitoring. */
export function MonitoringBadge({ health }: { health: AlgorithmHealthBody | undefined }) {
  const alert = alertOf(health);
  if (!alert || !health) return null;
  return (
    <Tooltip label={alert.why} multiline w={300}>
      <Anchor
        href={href('monitoring', { endpoint: health.endpoint, algorithm: health.algorithm_id })}
        onClick={(e) => e.stopPropagation()}
        underline="never"
        ml={6}
        aria-label={`${alert.label}: ${alert.why}`}
      >
        <Badge color="red" variant="filled" size="sm" data-testid={`monitoring-alert-${health.algorithm_id}`}>
          {alert.label}
        </Badge>
      </Anchor>
    </Tooltip>
  );
}
