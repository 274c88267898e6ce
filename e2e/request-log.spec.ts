import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tutorialRecord } from '../test/fixtures/index.ts';
import { expect, test } from './fixtures.ts';
import { AppShell } from './pages/AppShell.ts';
import { ServerPage } from './pages/ServerPage.ts';
import { screenshot } from './support/screenshots.ts';
import { startServer } from './support/server.ts';

const predict = (url: string, body: unknown) =>
  fetch(`${url}/api/v1/income_classifier/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

test('request log: its size is shown, and a retention saved from the Server page goes to serving.json and applies', async ({ shell, serverPage, server }) => {
  expect((await predict(server.url, Array(25).fill(tutorialRecord))).status).toBe(200);
  await shell.go('server');
  const card = serverPage.requestLogCard();
  await card.scrollIntoViewIfNeeded();
  await expect(card.getByTestId('request-log-rows')).toHaveText('25');
  await expect(card.getByTestId('request-log-size')).toHaveText(/\d+(\.\d)? (KB|MB)/);
  await expect(card.getByTestId('request-log-last-prune')).toHaveText('never');

  await serverPage.retention('log_retention_days').fill('30');
  await screenshot(shell.page, 'request-log');
  await serverPage.saveRetention();
  await expect(card.getByTestId('request-log-saved')).toBeVisible();
  expect(JSON.parse(readFileSync(join(server.dataDir, 'serving.json'), 'utf8'))).toEqual({ log_retention_days: 30 });
  // the serving card's own save keeps it (it replaces serving.json with everything it holds)
  await shell.page.getByTestId('serving-max_wait_us').fill('100');
  await serverPage.saveServing();
  await expect(shell.page.getByTestId('serving-saved')).toBeVisible();
  expect(JSON.parse(readFileSync(join(server.dataDir, 'serving.json'), 'utf8'))).toEqual({ log_retention_days: 30, max_wait_us: 100 });
  // a prune runs a moment after the save: nothing is that old, so nothing is deleted
  await expect(card.getByTestId('request-log-last-prune')).toHaveText(/0 deleted/, { timeout: 20_000 });
  await expect(card.getByTestId('request-log-rows')).toHaveText('25');
});

test('request log: a warning when the disk holding the data folder is nearly full', async ({ page }) => {
  // a 64 MB tmpfs is "nearly full" (under 2 GiB free): mounting one needs root
  const dir = mkdtempSync(join(tmpdir(), 'modeldesk-e2e-small-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', dir], { stdio: 'pipe' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    test.skip(true, 'mounting a small tmpfs needs root: the warning is covered by the API test of nearly_full');
  }
  const server = await startServer({ dataDir: join(dir, 'data') });
  try {
    const shell = new AppShell(page, server);
    await shell.open();
    await shell.go('server');
    const serverPage = new ServerPage(page);
    const warning = serverPage.requestLogCard().getByTestId('request-log-disk-warning');
    await warning.scrollIntoViewIfNeeded();
    await expect(warning).toContainText('predictions are refused (HTTP 507)');
    await expect(serverPage.requestLogCard().getByTestId('request-log-disk')).toHaveText(/MB free of (67(\.\d)? MB)/);
    await screenshot(page, 'request-log-disk-warning');
  } finally {
    await server.stop();
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
    rmSync(dir, { recursive: true, force: true });
  }
});
