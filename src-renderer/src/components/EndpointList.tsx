import { Badge, NavLink, Paper, ScrollArea, Text } from '@mantine/core';
import type { Algorithm, Endpoint } from '../api/types.ts';

/** The endpoints (use cases) with their algorithm count and who serves production. */
export function EndpointList({ endpoints, algorithms, selected, onSelect }: {
  endpoints: Endpoint[];
  algorithms: Algorithm[];
  selected: string | undefined;
  onSelect: (name: string) => void;
}) {
  return (
    <Paper withBorder p={6}>
      <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" py={6}>Endpoints</Text>
      <ScrollArea.Autosize mah="calc(100vh - 200px)">
        <nav aria-label="Endpoints" data-testid="endpoint-list">
          {endpoints.map((endpoint) => {
            const own = algorithms.filter((a) => a.parent_endpoint === endpoint.id);
            const production = own.find((a) => a.current_status === 'production');
            return (
              <NavLink
                key={endpoint.id}
                component="button"
                type="button"
                label={<Text size="sm" fw={600} className="md-mono">{endpoint.name}</Text>}
                description={production ? `production: ${production.name} v${production.version}` : 'no production algorithm'}
                rightSection={<Badge size="sm" variant="default" circle>{own.length}</Badge>}
                active={selected === endpoint.name}
                onClick={() => onSelect(endpoint.name)}
                aria-current={selected === endpoint.name ? 'true' : undefined}
                data-testid={`endpoint-${endpoint.name}`}
                style={{ borderRadius: 'var(--mantine-radius-sm)' }}
              />
            );
          })}
        </nav>
      </ScrollArea.Autosize>
    </Paper>
  );
}
