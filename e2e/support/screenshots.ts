import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { repoRoot } from './server.ts';

const dir = join(repoRoot, 'docs', 'screenshots');

/** A 1280×800 screenshot of the page as it is now, for docs/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  // move the pointer away so no hover state or tooltip ends up in the picture
  await page.mouse.move(0, 799);
  await page.screenshot({ path: join(dir, `${name}.png`), animations: 'disabled', caret: 'hide' });
}
