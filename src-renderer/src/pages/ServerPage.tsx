import { Anchor, Box, Button, Code, CopyButton, DataList, Grid, Group, Paper, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { DataListItem } from '../components/DataListItem.tsx';
import { apiBase, getToken } from '../api/client.ts';
import { useAlgorithms, useEndpoints } from '../api/registry.ts';
import { AccessCard } from '../components/AccessCard.tsx';
import { ApiKeysCard } from '../components/ApiKeysCard.tsx';
import { CodeSnippets } from '../components/CodeSnippets.tsx';
import { IconExternal } from '../components/icons.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { RequestLogCard } from '../components/RequestLogCard.tsx';
import { ServingSettingsCard } from '../components/ServingSettingsCard.tsx';
import { TokenField } from '../components/TokenField.tsx';
import { isDesktop } from '../lib/auth.ts';
import { firstRecord } from '../lib/record-form.ts';
import { useUserName } from '../lib/user.ts';

/** Where the API lives, how to authenticate, and a first call to copy. */
export function ServerPage() {
  const endpoints = useEndpoints();
  const algorithms = useAlgorithms();
  const [user, setUser] = useUserName();
  const origin = window.location.origin;
  const token = getToken() ?? '';
  const [chosen, setChosen] = useState<string | null>(null);
  const endpoint = endpoints.data?.find((e) => e.name === chosen) ?? endpoints.data?.[0];
  const algorithm = algorithms.data?.find((a) => a.parent_endpoint === endpoint?.id && a.current_status === 'production');
  // the record shape the endpoint's production model takes: fields, or one tensor per input
  const record = endpoint ? firstRecord(algorithm) : {};
  const adminCurl = `curl ${origin}/api/v1/mlrequests?page_size=10 \\\n  -H "Authorization: Bearer $MODELDESK_TOKEN"`;

  return (
    <>
      <PageHeader title="Server" description="ModelDesk's local HTTP API: the same one this app, your scripts and your services use." />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Paper withBorder p="lg" h="100%">
            <Title order={3} fz="lg" mb="md">Address</Title>
            <DataList orientation="horizontal" labelWidth={130} size="sm">
              <DataListItem label="API base URL">
                <Group gap="xs">
                  <Code data-testid="server-base-url">{apiBase()}</Code>
                  <CopyButton value={apiBase()}>
                    {({ copied, copy }) => <Button size="compact-xs" variant="subtle" onClick={copy}>{copied ? 'Copied' : 'Copy'}</Button>}
                  </CopyButton>
                </Group>
              </DataListItem>
              <DataListItem label="Port"><Code data-testid="server-port">{window.location.port || '80'}</Code></DataListItem>
              <DataListItem label="Interface">{window.location.hostname}</DataListItem>
              <DataListItem label="Running as">{isDesktop() ? 'Desktop app (embedded server)' : 'Headless server (npm run serve)'}</DataListItem>
              <DataListItem label="Classic API">Compatible with the Django “my_ml_service” tutorial clients</DataListItem>
              <DataListItem label="Open Inference v2">
                {/* a long URL wraps inside its cell instead of running past the card */}
                <Code style={{ overflowWrap: 'anywhere' }}>{origin}/v2/models/&lt;endpoint&gt;/infer</Code> (KServe, Triton and MLServer clients)
              </DataListItem>
            </DataList>
            <Group mt="md" gap="sm">
              <Button component="a" href="/docs" target="_blank" rel="noreferrer" leftSection={<IconExternal size={16} />} data-testid="server-docs-link">
                API documentation
              </Button>
              <Button component="a" href="/openapi.json" target="_blank" rel="noreferrer" variant="default">OpenAPI JSON</Button>
              <Button component="a" href="/metrics" target="_blank" rel="noreferrer" variant="default">Prometheus metrics</Button>
            </Group>
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Paper withBorder p="lg" h="100%">
            <Title order={3} fz="lg" mb="md">Authentication</Title>
            <Stack gap="md">
              <Text size="sm">
                Predictions, feedback and registry reads are open to programs on this machine (unless the server is strict
                or serves the LAN). Everything else needs an API key (below) or the admin token
                {isDesktop() ? ', which is new at every launch of the app.' : ', printed when the server started.'}
              </Text>
              <TokenField token={token} />
              <Code block>{adminCurl}</Code>
              <TextInput
                label="Your name"
                description="Recorded in the status history when you promote, archive or stop a test"
                value={user}
                onChange={(e) => setUser(e.currentTarget.value)}
                data-testid="server-user"
              />
            </Stack>
          </Paper>
        </Grid.Col>
      </Grid>
      <Box mt="lg"><AccessCard /></Box>
      <ApiKeysCard />
      <Paper withBorder p="lg" mt="lg">
        <Group justify="space-between" mb="sm">
          <Title order={3} fz="lg">
            First call{endpoint ? <> · <Anchor href={`#/playground?endpoint=${endpoint.name}`} className="md-mono">{endpoint.name}</Anchor></> : null}
          </Title>
          {(endpoints.data?.length ?? 0) > 1 && (
            <Select
              aria-label="Endpoint for the first call"
              size="xs"
              w={240}
              data={endpoints.data!.map((e) => e.name)}
              value={endpoint?.name ?? null}
              onChange={setChosen}
              allowDeselect={false}
              data-testid="server-first-call-endpoint"
            />
          )}
        </Group>
        <CodeSnippets call={{ url: `${apiBase()}/${endpoint?.name ?? '<endpoint>'}/predict`, body: record }} />
      </Paper>
      <ServingSettingsCard />
      <RequestLogCard />
    </>
  );
}
