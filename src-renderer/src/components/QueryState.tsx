import { Alert, Button, Center, EmptyState, Loader, Stack, Text } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { errorMessage } from '../api/client.ts';
import { IconAlert } from './icons.tsx';

/** Loading, error (with retry) and empty states for one query; renders children with the data. */
export function QueryState<T>({
  query,
  empty,
  isEmpty,
  children,
  label = 'data'
}: {
  query: UseQueryResult<T>;
  empty?: React.ReactNode;
  isEmpty?: (data: T) => boolean;
  children: (data: T) => React.ReactNode;
  label?: string;
}) {
  if (query.isPending) return <Loading label={label} />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (isEmpty?.(query.data) && empty) return <>{empty}</>;
  return <>{children(query.data)}</>;
}

export function Loading({ label = 'data' }: { label?: string }) {
  return (
    <Center py="xl" data-testid="loading">
      <Stack align="center" gap="xs">
        <Loader size="sm" />
        <Text size="sm" c="dimmed">Loading {label}…</Text>
      </Stack>
    </Center>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <Alert color="red" variant="light" icon={<IconAlert />} title="Could not load" data-testid="error-state">
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{errorMessage(error)}</Text>
        {onRetry && (
          <Button size="xs" variant="white" color="red" onClick={onRetry}>
            Try again
          </Button>
        )}
      </Stack>
    </Alert>
  );
}

export function Empty({ title, description, action, testId }: { title: string; description?: React.ReactNode; action?: React.ReactNode; testId?: string }) {
  return (
    <EmptyState title={title} description={description} py="xl" data-testid={testId ?? 'empty-state'}>
      {action && <EmptyState.Actions>{action}</EmptyState.Actions>}
    </EmptyState>
  );
}
