import { Alert, Grid, Group, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { apiBase } from '../api/client.ts';
import { usePredict } from '../api/predict.ts';
import { useAlgorithms, useEndpoints } from '../api/registry.ts';
import { CodeSnippets } from '../components/CodeSnippets.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { PredictForm } from '../components/PredictForm.tsx';
import { PredictionResult } from '../components/PredictionResult.tsx';
import { Empty, ErrorState, Loading } from '../components/QueryState.tsx';
import { algorithmLabel } from '../lib/format.ts';
import { useSetParam, type Route } from '../lib/router.ts';
import { statusLabel } from '../lib/status.ts';

/** Try an endpoint: a form from its signature, the answer with probabilities, feedback, snippets. */
export function PlaygroundPage({ route }: { route: Route }) {
  const setParam = useSetParam();
  const endpoints = useEndpoints();
  const algorithms = useAlgorithms();
  const predict = usePredict();
  const [record, setRecord] = useState<unknown>({});

  const header = <PageHeader title="Playground" description="Send a record to an endpoint and see what comes back, exactly as a client would." />;
  if (endpoints.isPending || algorithms.isPending) return <>{header}<Loading label="endpoints" /></>;
  if (endpoints.isError || algorithms.isError) return <>{header}<ErrorState error={endpoints.error ?? algorithms.error} onRetry={() => void endpoints.refetch()} /></>;
  if (endpoints.data.length === 0) {
    return <>{header}<Paper withBorder><Empty title="Nothing to try yet" description="Register a model on the Models page first." /></Paper></>;
  }

  const endpointName = route.params.get('endpoint') ?? endpoints.data[0]!.name;
  const endpoint = endpoints.data.find((e) => e.name === endpointName) ?? endpoints.data[0]!;
  const own = algorithms.data.filter((a) => a.parent_endpoint === endpoint.id);
  // with nothing in production (or A/B testing) the server has nothing to route to: call one directly
  const routable = own.some((a) => a.current_status === 'production' || a.current_status === 'ab_testing');
  const pinnedId = Number(route.params.get('algorithm')) || null;
  const pinned = own.find((a) => a.id === pinnedId) ?? (routable ? undefined : own.find((a) => a.current_status !== 'archived') ?? own[0]);
  const shapeSource = pinned ?? own.find((a) => a.current_status === 'production') ?? own.find((a) => a.current_status !== 'archived') ?? own[0];
  const formKey = `${endpoint.name}:${shapeSource?.id ?? 'none'}`;

  const url = `${apiBase()}/${endpoint.name}/predict${pinned ? `?algorithm_id=${pinned.id}` : ''}`;
  const choose = (key: string, value: string | null) => {
    predict.reset();
    setParam(key, value);
  };

  return (
    <>
      {header}
      <Group mb="lg" align="flex-end">
        <Select
          label="Endpoint"
          data={endpoints.data.map((e) => e.name)}
          value={endpoint.name}
          onChange={(v) => { setParam('algorithm', null); choose('endpoint', v); }}
          allowDeselect={false}
          w={260}
          data-testid="playground-endpoint"
        />
        <Select
          label="Algorithm"
          data={[
            ...(routable ? [{ value: '', label: 'Routed by the server (production / A/B test)' }] : []),
            ...own.map((a) => ({ value: String(a.id), label: `${algorithmLabel(a)} · ${statusLabel(a.current_status) ?? 'no status'}` }))
          ]}
          value={pinned ? String(pinned.id) : ''}
          onChange={(v) => choose('algorithm', v || null)}
          allowDeselect={false}
          w={380}
          data-testid="playground-algorithm"
        />
      </Group>
      {!routable && own.length > 0 && (
        <Alert color="yellow" variant="light" mb="lg" data-testid="playground-not-routable">
          <span className="md-mono">{endpoint.name}</span> has no production algorithm yet, so clients get an error.
          The playground calls {pinned ? algorithmLabel(pinned) : 'an algorithm'} directly; promote it on the Models page to serve clients.
        </Alert>
      )}
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="lg">
            <Paper withBorder p="lg">
              <Title order={3} fz="lg" mb="sm">Input</Title>
              <PredictForm
                key={formKey}
                algorithm={shapeSource}
                busy={predict.isPending}
                error={predict.error}
                onInvalid={() => predict.reset()}
                onRecord={setRecord}
                onPredict={(body) => predict.mutate({ endpoint: endpoint.name, record: body, algorithmId: pinned?.id ?? null })}
              />
            </Paper>
            <Paper withBorder p="lg">
              <Stack gap="sm">
                <Group justify="space-between">
                  <Title order={3} fz="lg">Call it from code</Title>
                  <Text size="xs" c="dimmed">Predict is open on this machine: no token needed</Text>
                </Group>
                <CodeSnippets call={{ url, body: record }} />
              </Stack>
            </Paper>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Paper withBorder p="lg" pos="sticky" top={16}>
            <Title order={3} fz="lg" mb="sm">Result</Title>
            {predict.data ? (
              <PredictionResult result={predict.data} algorithms={algorithms.data} freeTextFeedback={endpoint.allow_free_text_feedback} />
            ) : (
              <Empty title="No prediction yet" description="Fill in the record and press Predict (or Enter in any field)." testId="result-empty" />
            )}
          </Paper>
        </Grid.Col>
      </Grid>
    </>
  );
}
