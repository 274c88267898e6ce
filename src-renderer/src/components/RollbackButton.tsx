import { Button, Tooltip } from '@mantine/core';
import type { Algorithm, AlgorithmStatus } from '../api/types.ts';
import { algorithmLabel, formatDateTime } from '../lib/format.ts';
import { planRollback } from '../lib/rollback.ts';
import { IconHistory } from './icons.tsx';
import type { StatusChange } from './StatusChangeModal.tsx';

/** One click (plus confirm) back to the algorithm that served production before the current one. */
export function RollbackButton({ endpointId, algorithms, statuses, onChange }: {
  endpointId: number;
  algorithms: Algorithm[];
  statuses: AlgorithmStatus[];
  onChange: (change: StatusChange) => void;
}) {
  const plan = planRollback(endpointId, algorithms, statuses);
  if (!plan) {
    return (
      <Tooltip label="No earlier production algorithm to go back to">
        <Button variant="default" leftSection={<IconHistory size={16} />} data-disabled aria-disabled="true" onClick={(e) => e.preventDefault()} data-testid="rollback">
          Roll back
        </Button>
      </Tooltip>
    );
  }
  const from = plan.current ? algorithmLabel(plan.current) : 'no production';
  return (
    <Tooltip label={`Back to ${algorithmLabel(plan.target)} (production since ${formatDateTime(plan.since)})`}>
      <Button
        variant="default"
        leftSection={<IconHistory size={16} />}
        data-testid="rollback"
        onClick={() =>
          onChange({
            algorithm: plan.target,
            status: 'production',
            title: `Roll back to ${algorithmLabel(plan.target)}`,
            consequence: plan.current
              ? `${algorithmLabel(plan.target)} goes back to production; ${from} moves to staging.`
              : `${algorithmLabel(plan.target)} goes back to production.`,
            defaultReason: `Rollback from ${from}`
          })
        }
      >
        Roll back
      </Button>
    </Tooltip>
  );
}
