import { test as base, expect } from '@playwright/test';
import { AbTestsPage } from './pages/AbTestsPage.ts';
import { AppShell } from './pages/AppShell.ts';
import { ModelsPage } from './pages/ModelsPage.ts';
import { PlaygroundPage } from './pages/PlaygroundPage.ts';
import { RequestsPage } from './pages/RequestsPage.ts';
import { ServerPage } from './pages/ServerPage.ts';
import { startServer, type HeadlessServer } from './support/server.ts';

interface Fixtures {
  /** a fresh headless ModelDesk (own port and data dir) for each test: nothing shared */
  server: HeadlessServer;
  /** the UI opened from the printed URL (token in the address), loaded */
  shell: AppShell;
  models: ModelsPage;
  playground: PlaygroundPage;
  requests: RequestsPage;
  abtests: AbTestsPage;
  serverPage: ServerPage;
}

export const test = base.extend<Fixtures>({
  // Playwright reads fixture dependencies from the destructuring: none here
  // eslint-disable-next-line no-empty-pattern
  server: async ({}, use) => {
    const server = await startServer();
    await use(server);
    await server.stop();
  },
  shell: async ({ page, server }, use) => {
    const shell = new AppShell(page, server);
    await shell.open();
    await use(shell);
  },
  models: async ({ shell }, use) => use(new ModelsPage(shell.page)),
  playground: async ({ shell }, use) => use(new PlaygroundPage(shell.page)),
  requests: async ({ shell }, use) => use(new RequestsPage(shell.page)),
  abtests: async ({ shell }, use) => use(new AbTestsPage(shell.page)),
  serverPage: async ({ shell }, use) => use(new ServerPage(shell.page))
});

export { expect };
