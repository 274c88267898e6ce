import { Button, Paper, Stack } from '@mantine/core';
import { useJobs } from '../api/jobs.ts';
import { JobDetail } from '../components/JobDetail.tsx';
import { JobHistory } from '../components/JobHistory.tsx';
import { NewJobCard } from '../components/NewJobCard.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { Empty, QueryState } from '../components/QueryState.tsx';
import { ReplayModal } from '../components/ReplayModal.tsx';
import { IconHistory } from '../components/icons.tsx';
import { navigate, useSetParam, type Route } from '../lib/router.ts';

/** Batch jobs and replays: start one, the history (`#/jobs`), one job live (`#/jobs/{id}`). */
export function JobsPage({ route }: { route: Route }) {
  const setParam = useSetParam();
  const id = Number(route.segments[1]) || null;
  const replaying = route.params.get('replay') === '1';
  const open = (jobId: number) => navigate(`jobs/${jobId}`);
  const modal = <ReplayModal opened={replaying} onClose={() => setParam('replay', null)} onStarted={(job) => open(job.id)} />;
  if (id !== null) {
    return (
      <>
        <JobDetail id={id} />
        {modal}
      </>
    );
  }
  return (
    <>
      <PageHeader
        title="Jobs"
        description="Score whole files with any version, on every core, while the API keeps answering; replay logged traffic against a candidate before an A/B test."
        actions={
          <Button variant="default" leftSection={<IconHistory size={16} />} onClick={() => setParam('replay', '1')} data-testid="replay-new">
            Replay traffic…
          </Button>
        }
      />
      <Stack gap="lg">
        <NewJobCard onStarted={(job) => open(job.id)} />
        <JobList onOpen={open} />
      </Stack>
      {modal}
    </>
  );
}

function JobList({ onOpen }: { onOpen: (id: number) => void }) {
  const jobs = useJobs();
  return (
    <Paper withBorder>
      <QueryState
        query={jobs}
        label="jobs"
        isEmpty={(list) => list.length === 0}
        empty={<Empty title="No jobs yet" description="Score a file above, or replay the requests an endpoint answered against another version." testId="jobs-empty" />}
      >
        {(list) => <JobHistory jobs={list} onOpen={onOpen} />}
      </QueryState>
    </Paper>
  );
}
