import '@mantine/core/styles.css';
import './app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { MantineProvider } from '@mantine/core';
import { QueryCache, QueryClient, QueryClientProvider, MutationCache } from '@tanstack/react-query';
import { App } from './App.tsx';
import { ApiError, setToken } from './api/client.ts';
import { resolveToken } from './lib/auth.ts';
import { signalUnauthorized } from './lib/unauthorized.ts';
import { theme } from './theme.ts';

const onError = (error: unknown) => {
  if (error instanceof ApiError && error.status === 401) signalUnauthorized();
};

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError }),
  mutationCache: new MutationCache({ onError }),
  defaultOptions: {
    queries: {
      staleTime: 2000,
      retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2
    }
  }
});

async function boot(): Promise<void> {
  const token = await resolveToken().catch(() => null);
  setToken(token);
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <MantineProvider theme={theme} defaultColorScheme="light">
        <QueryClientProvider client={queryClient}>
          <App hasToken={token !== null} />
        </QueryClientProvider>
      </MantineProvider>
    </StrictMode>
  );
}

void boot();
