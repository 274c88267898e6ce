import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { defineConfig } from '@playwright/test';

// Debian's Chromium when present (CI and dev containers); Playwright's own browser otherwise.
const chromium = process.env.MODELDESK_CHROMIUM ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/e2e',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  // each test starts its own server (tsx + onnxruntime): more workers than cores only thrash
  workers: Math.min(3, Math.max(1, availableParallelism())),
  reporter: [['list']],
  use: {
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      ...(chromium ? { executablePath: chromium } : {}),
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update']
    }
  },
  projects: [
    { name: 'web', testIgnore: /desktop\.spec\.ts/ },
    { name: 'desktop', testMatch: /desktop\.spec\.ts/ }
  ]
});
