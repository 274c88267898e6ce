import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startServer, type RunningServer } from '../src-main/server/start.ts';
import { screenshot } from './support/screenshots.ts';
import { repoRoot } from './support/server.ts';

/**
 * The Server page of a ModelDesk serving the LAN (issue 17 §3). Tests bind 127.0.0.1 only, so the
 * server is started in-process with LAN mode forced there (`lan: true`): HTTPS with a certificate
 * from the local CA, keys on every route but health. Chromium does not know that CA, so the
 * context skips verification; the page itself shows what a client should compare.
 */
let server: RunningServer;
let dataDir: string;

test.beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'modeldesk-e2e-lan-'));
  server = await startServer({ port: 0, data: dataDir, host: '127.0.0.1', lan: true, uiDir: join(repoRoot, 'out', 'renderer') });
});
test.afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});
test.use({ ignoreHTTPSErrors: true });

test('the Server page shows the LAN mode, the certificate fingerprints and the CA to download', async ({ page }) => {
  await page.goto(`${server.url}/?token=${server.token}#/server`);
  const card = page.getByTestId('access-card');
  await expect(card.getByTestId('access-mode')).toHaveText('LAN · HTTPS');
  await expect(card.getByTestId('access-fingerprint')).toHaveText(server.tls!.fingerprint256);
  await expect(card.getByTestId('access-ca-fingerprint')).toHaveText(server.tls!.ca!.fingerprint256);
  await expect(card.getByTestId('access-strict')).toBeDisabled();
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, 'server-lan');

  const download = page.waitForEvent('download');
  await card.getByTestId('access-ca-download').click();
  const file = await (await download).path();
  expect(new X509Certificate(readFileSync(file)).fingerprint256).toBe(server.tls!.ca!.fingerprint256);
});
