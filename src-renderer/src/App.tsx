import { AppShell, Box } from '@mantine/core';
import { useState } from 'react';
import { useEndpoints } from './api/registry.ts';
import { NavBar } from './components/NavBar.tsx';
import { TokenGate } from './components/TokenGate.tsx';
import { pageOf, useRoute, type PageKey, type Route } from './lib/router.ts';
import { useUnauthorized } from './lib/unauthorized.ts';
import { AbTestsPage } from './pages/AbTestsPage.tsx';
import { ModelsPage } from './pages/ModelsPage.tsx';
import { PlaygroundPage } from './pages/PlaygroundPage.tsx';
import { RequestsPage } from './pages/RequestsPage.tsx';
import { ServerPage } from './pages/ServerPage.tsx';

const routes: Record<PageKey, (props: { route: Route }) => React.ReactNode> = {
  models: ModelsPage,
  playground: PlaygroundPage,
  requests: RequestsPage,
  abtests: AbTestsPage,
  server: ServerPage
};

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
          <Page route={route} />
        </Box>
      </AppShell.Main>
    </AppShell>
  );
}
