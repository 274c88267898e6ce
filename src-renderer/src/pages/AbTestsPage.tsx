import { Button, Paper } from '@mantine/core';
import { useAbTests } from '../api/abtests.ts';
import { useAlgorithms } from '../api/registry.ts';
import { AbTestDetail } from '../components/AbTestDetail.tsx';
import { AbTestList } from '../components/AbTestList.tsx';
import { CreateAbTestModal } from '../components/CreateAbTestModal.tsx';
import { IconPlus } from '../components/icons.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { Empty, QueryState } from '../components/QueryState.tsx';
import { navigate, useSetParam, type Route } from '../lib/router.ts';

/** A/B tests: the list (`#/abtests`), one live test (`#/abtests/{id}`), and creating one. */
export function AbTestsPage({ route }: { route: Route }) {
  const setParam = useSetParam();
  const id = Number(route.segments[1]) || null;
  const creating = route.params.get('new') === '1';
  const newButton = (testId: string) => (
    <Button leftSection={<IconPlus size={16} />} onClick={() => setParam('new', '1')} data-testid={testId}>
      New A/B test
    </Button>
  );
  const modal = (
    <CreateAbTestModal opened={creating} onClose={() => setParam('new', null)} onCreated={(t) => navigate(`abtests/${t.id}`)} />
  );
  if (id !== null) {
    return (
      <>
        <AbTestDetail id={id} />
        {modal}
      </>
    );
  }
  return (
    <>
      <PageHeader
        title="A/B tests"
        description="Route live traffic between algorithm versions, compare them on real feedback, promote the winner."
        actions={newButton('abtest-new')}
      />
      <AbTestsList newButton={newButton('abtest-new-empty')} />
      {modal}
    </>
  );
}

function AbTestsList({ newButton }: { newButton: React.ReactNode }) {
  const tests = useAbTests();
  const algorithms = useAlgorithms();
  return (
    <Paper withBorder>
      <QueryState
        query={tests}
        label="A/B tests"
        isEmpty={(list) => list.length === 0}
        empty={
          <Empty
            title="No A/B tests yet"
            description="Put two or more versions of an endpoint side by side on live traffic; feedback decides which is better."
            action={newButton}
            testId="abtests-empty"
          />
        }
      >
        {(list) => <AbTestList tests={list} algorithms={algorithms.data ?? []} onOpen={(testId) => navigate(`abtests/${testId}`)} />}
      </QueryState>
    </Paper>
  );
}
