import { Button, Grid, Paper, Stack } from '@mantine/core';
import { useState } from 'react';
import { useMonitoringStatus } from '../api/monitoring.ts';
import { useAlgorithms, useEndpoints, useStatuses } from '../api/registry.ts';
import { AlgorithmDetail } from '../components/AlgorithmDetail.tsx';
import { EditMetadataModal, type EditSubject } from '../components/EditMetadataModal.tsx';
import { EndpointList } from '../components/EndpointList.tsx';
import { EndpointPanel } from '../components/EndpointPanel.tsx';
import { ExportRegistryModal } from '../components/ExportRegistryModal.tsx';
import { ImportRegistryModal } from '../components/ImportRegistryModal.tsx';
import { IconPlus } from '../components/icons.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { PlatformExportModal } from '../components/PlatformExportModal.tsx';
import { Empty, ErrorState, Loading, QueryState } from '../components/QueryState.tsx';
import { RegisterModelModal } from '../components/RegisterModelModal.tsx';
import { RegistryMenu } from '../components/RegistryMenu.tsx';
import { StatusChangeModal, type StatusChange } from '../components/StatusChangeModal.tsx';
import { useSetParam, type Route } from '../lib/router.ts';

/** Endpoints and their algorithm versions: status, signature, history, register, promote, roll back. */
export function ModelsPage({ route }: { route: Route }) {
  const setParam = useSetParam();
  const endpoints = useEndpoints();
  const algorithms = useAlgorithms();
  const statuses = useStatuses();
  const monitoring = useMonitoringStatus();
  const health = new Map((monitoring.data ?? []).map((h) => [h.algorithm_id, h]));
  const [change, setChange] = useState<StatusChange | null>(null);
  const [editing, setEditing] = useState<EditSubject | null>(null);
  const registering = route.params.get('register') === '1';
  const selectedName = route.params.get('endpoint') ?? endpoints.data?.[0]?.name;
  const selectedAlgorithm = Number(route.params.get('algorithm')) || undefined;

  const header = (
    <PageHeader
      title="Models"
      description="Endpoints, the algorithm versions behind them, and who moved what into production."
      actions={
        <>
          <RegistryMenu onExport={() => setParam('export', '1')} onImport={() => setParam('import', '1')} onPlatformExport={() => setParam('platforms', '1')} />
          <Button leftSection={<IconPlus size={16} />} onClick={() => setParam('register', '1')} data-testid="register-open">
            Register model
          </Button>
        </>
      }
    />
  );

  const modal = (
    <>
      <ExportRegistryModal opened={route.params.get('export') === '1'} onClose={() => setParam('export', null)} />
      <ImportRegistryModal opened={route.params.get('import') === '1'} onClose={() => setParam('import', null)} />
      <PlatformExportModal opened={route.params.get('platforms') === '1'} onClose={() => setParam('platforms', null)} />
      <RegisterModelModal
        opened={registering}
        defaultEndpoint={selectedName}
        onClose={() => setParam('register', null)}
        onRegistered={(a) => {
          setParam('register', null);
          setParam('endpoint', a.endpoint);
          setParam('algorithm', String(a.id));
        }}
      />
    </>
  );

  if (algorithms.isPending || statuses.isPending) return <>{header}<Loading label="the registry" />{modal}</>;
  if (algorithms.isError || statuses.isError) {
    return <>{header}<ErrorState error={algorithms.error ?? statuses.error} onRetry={() => { void algorithms.refetch(); void statuses.refetch(); }} />{modal}</>;
  }

  return (
    <>
      {header}
      <QueryState
        query={endpoints}
        label="the registry"
        isEmpty={(list) => list.length === 0}
        empty={
          <Paper withBorder>
            <Empty
              title="No models yet"
              description="Register an ONNX model to create your first endpoint. Clients then call it by name."
              action={<Button onClick={() => setParam('register', '1')}>Register model</Button>}
            />
          </Paper>
        }
      >
        {(endpointList) => {
          const all = algorithms.data ?? [];
          const history = statuses.data ?? [];
          const endpoint = endpointList.find((e) => e.name === selectedName) ?? endpointList[0]!;
          const own = all.filter((a) => a.parent_endpoint === endpoint.id);
          const production = own.find((a) => a.current_status === 'production');
          const current = own.find((a) => a.id === selectedAlgorithm) ?? production ?? own[0];
          return (
            <Grid gap="lg">
              <Grid.Col span={3}>
                <EndpointList endpoints={endpointList} algorithms={all} selected={endpoint.name} onSelect={(name) => { setParam('algorithm', null); setParam('endpoint', name); }} />
              </Grid.Col>
              <Grid.Col span={9}>
                <Stack gap="lg">
                  <EndpointPanel endpoint={endpoint} own={own} selected={current?.id} onSelect={(id) => setParam('algorithm', String(id))} onEdit={setEditing} health={health} />
                  {current && <AlgorithmDetail algorithm={current} production={production} statuses={history} onChange={setChange} onEdit={setEditing} onDeleted={() => setParam('algorithm', null)} />}
                </Stack>
              </Grid.Col>
            </Grid>
          );
        }}
      </QueryState>
      {modal}
      <StatusChangeModal change={change} onClose={() => setChange(null)} />
      <EditMetadataModal subject={editing} onClose={() => setEditing(null)} />
    </>
  );
}
