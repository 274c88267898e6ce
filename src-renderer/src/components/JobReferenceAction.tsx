import { Anchor, Button, Group, Modal, Notification, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { errorMessage } from '../api/client.ts';
import type { JobView } from '../api/jobs.ts';
import { useReferenceFromJob, useReferences } from '../api/monitoring.ts';
import { formatCount } from '../lib/jobs.ts';
import { href } from '../lib/router.ts';
import { useUserName } from '../lib/user.ts';

/**
 * "Use input as drift reference" for a completed predict job: a confirmation naming the version
 * it applies to and the reference it replaces, then a notice linking to the Monitoring page.
 */
export function JobReferenceAction({ job }: { job: JobView }) {
  const [open, setOpen] = useState(false);
  const [user] = useUserName();
  const fromJob = useReferenceFromJob();
  const references = useReferences(job.algorithm_id, open);
  const active = references.data?.find((r) => r.active) ?? null;
  const version = `${job.algorithm_name} v${job.version}`;
  const scored = job.rows_done - job.rows_failed;
  const confirm = () =>
    fromJob.mutate({ job: job.id, ...(user.trim() ? { created_by: user.trim() } : {}) }, { onSuccess: () => setOpen(false) });

  return (
    <>
      <Button variant="default" onClick={() => setOpen(true)} data-testid="job-use-as-reference">
        Use input as drift reference
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title="Use this job's input as the drift reference?" size="lg">
        <Stack gap="sm" data-testid="job-reference-confirm">
          <Text size="sm">
            The {formatCount(scored)} rows of <b>{job.input?.name || `job #${job.id}`}</b> become the reference profile of{' '}
            <b>{version}</b> on <span className="md-mono">{job.endpoint}</span>: drift of its traffic is measured against them.
            {job.rows_failed === 1 ? ' The row the job could not score is left out.' : ''}
            {job.rows_failed > 1 ? ` The ${formatCount(job.rows_failed)} rows the job could not score are left out.` : ''}
          </Text>
          <Text size="sm" data-testid="job-reference-replaces">
            {active
              ? `It replaces the version's active reference (#${active.id}: ${active.description}), which is kept, inactive.`
              : references.isSuccess
                ? 'The version has no reference profile yet.'
                : 'It replaces the version\'s active reference profile, if it has one.'}
          </Text>
          {fromJob.error && <Text c="red" size="sm" data-testid="job-reference-error">{errorMessage(fromJob.error)}</Text>}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>Cancel</Button>
            <Button onClick={confirm} loading={fromJob.isPending} data-testid="job-reference-apply">
              Use as reference of {version}
            </Button>
          </Group>
        </Stack>
      </Modal>
      {fromJob.data && (
        <Notification color="teal" title="Drift reference set" onClose={() => fromJob.reset()} withBorder data-testid="job-reference-done" w="100%">
          Reference profile #{fromJob.data.id} of {version}: {fromJob.data.description}.{' '}
          <Anchor href={href('monitoring', { endpoint: job.endpoint, algorithm: job.algorithm_id })} data-testid="job-reference-monitoring">
            Open the Monitoring page
          </Anchor>
        </Notification>
      )}
    </>
  );
}
