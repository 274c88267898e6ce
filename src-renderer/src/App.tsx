import { AppShell, Box, Center, Loader } from '@mantine/core';
import { lazy, Suspense, useState } from 'react';
import { useEndpoints } from './api/registry.ts';
import { NavBar } from './components/NavBar.tsx';
import { TokenGate } from './components/TokenGate.tsx';
import { pageOf, useRoute, type PageKey, type Route } from './lib/router.ts';
import { useUnauthorized } from './lib/unauthorized.ts';

// Each page is its own chunk, loaded when first opened: the charts (recharts) and the forms of
// one page no longer weigh on the start of every other.
const routes: Record<PageKey, React.ComponentType<{ route: Route }>> = {
  models: lazy(() => import('./pages/ModelsPage.tsx').then((m) => ({ default: m.ModelsPage }))),
  playground: lazy(() => import('./pages/PlaygroundPage.tsx').then((m) => ({ default: m.PlaygroundPage }))),
  requests: lazy(() => import('./pages/RequestsPage.tsx').then((m) => ({ default: m.RequestsPage }))),
  abtests: lazy(() => import('./pages/AbTestsPage.tsx').then((m) => ({ default: m.AbTestsPage }))),
  jobs: lazy(() => import('./pages/JobsPage.tsx').then((m) => ({ default: m.JobsPage }))),
  monitoring: lazy(() => import('./pages/MonitoringPage.tsx').then((m) => ({ default: m.MonitoringPage }))),
  server: lazy(() => import('./pages/ServerPage.tsx').then((m) => ({ default: m.ServerPage }))),
  audit: lazy(() => import('./pages/AuditPage.tsx').then((m) => ({ default: m.AuditPage })))
};

const pageLoading = (
  <Center h={240}>
    <Loader aria-label="loading the page" />
  </Center>
);

/** The shell: navbar + the page named by the hash route. */
export function App({ hasToken }: { hasToken: boolean }) {
  const [signedIn, setSignedIn] = useState(hasToken);
  const unauthorized = useUnauthorized();
  if (!signedIn || unauthorized) return <TokenGate expired={signedIn} onSignedIn={() => setSignedIn(true)} />;
  return <Shell />;
}

function Shell() {
  const route = useRoute();
  const page = pageOf(route);
  const Page = routes[page];
  // the e2e marker: the shell is up and its first data request has settled
  const endpoints = useEndpoints();
  const state = endpoints.isPending ? 'loading' : 'loaded';
  return (
    <AppShell navbar={{ width: 232, breakpoint: 0 }} padding="lg" data-app-state={state}>
      <AppShell.Navbar>
        <NavBar active={page} />
      </AppShell.Navbar>
      <AppShell.Main>
        <Box maw={1440} mx="auto" component="section" aria-label={page}>
          <Suspense fallback={pageLoading}>
            <Page route={route} />
          </Suspense>
        </Box>
      </AppShell.Main>
    </AppShell>
  );
}
