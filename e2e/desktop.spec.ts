import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { PlaygroundPage } from './pages/PlaygroundPage.ts';
import { repoRoot } from './support/server.ts';

const require = createRequire(import.meta.url);

/** The Electron binary, or why it is not there (ELECTRON_SKIP_BINARY_DOWNLOAD=1 installs). */
function electronBinary(): { path: string } | { missing: string } {
  let path: string;
  try {
    path = require('electron') as unknown as string;
  } catch (err) {
    return { missing: `the Electron binary is not installed (${(err as Error).message.split('\n')[0]}); install it without ELECTRON_SKIP_BINARY_DOWNLOAD to run this spec` };
  }
  return existsSync(path) ? { path } : { missing: `the Electron binary is not installed at ${path}` };
}

/** better-sqlite3 built for Electron's ABI (scripts/build-electron-native.mjs), built once when npm runs us. */
function nativeBinding(): string | null {
  const version = (JSON.parse(readFileSync(join(repoRoot, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
  const target = join(repoRoot, 'out', 'native', `electron-${version}`, 'better_sqlite3.node');
  if (existsSync(target)) return null;
  try {
    execFileSync(process.execPath, [join(repoRoot, 'scripts', 'build-electron-native.mjs')], { cwd: repoRoot, stdio: 'inherit' });
    return null;
  } catch {
    return 'better-sqlite3 is not built for Electron yet: run `npm start` once (it builds out/native/)';
  }
}

test('the desktop app starts its server, opens the UI and predicts', async () => {
  const binary = electronBinary();
  // the list reporter does not print skip reasons, so say it on the console too
  if ('missing' in binary) console.log(`desktop spec skipped: ${binary.missing}`);
  test.skip('missing' in binary, 'missing' in binary ? binary.missing : '');
  const main = join(repoRoot, 'out', 'main', 'index.js');
  test.skip(!existsSync(main), 'out/main/index.js is missing: run `npx electron-vite build` first (npm run test:e2e does)');
  const native = nativeBinding();
  test.skip(native !== null, native ?? '');

  const dataDir = mkdtempSync(join(tmpdir(), 'modeldesk-desktop-'));
  const app = await electron.launch({
    executablePath: (binary as { path: string }).path,
    args: [main, '--no-sandbox', '--disable-gpu'],
    cwd: repoRoot,
    env: { ...process.env, MODELDESK_DATA_DIR: dataDir, MODELDESK_PORT: '0' }
  });
  try {
    const window = await app.firstWindow();
    await expect(window.locator('[data-app-state="loaded"]')).toBeVisible({ timeout: 60_000 });
    // the token came over the preload bridge, not the URL
    expect(window.url()).not.toContain('token=');
    await window.getByTestId('nav-playground').click();
    const playground = new PlaygroundPage(window);
    await playground.predict();
    await expect(playground.label()).toHaveText(/50K/);
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
