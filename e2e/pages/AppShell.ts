import { expect, type Page } from '@playwright/test';
import type { HeadlessServer } from '../support/server.ts';

export type PageKey = 'models' | 'playground' | 'requests' | 'abtests' | 'jobs' | 'monitoring' | 'server' | 'audit';

/** The app shell: opening it from the printed URL, the navbar, readiness. */
export class AppShell {
  constructor(readonly page: Page, readonly server: HeadlessServer) {}

  /** What `npm run serve` prints: the page keeps the token and drops it from the address. */
  async open(hash = ''): Promise<void> {
    await this.page.goto(`${this.server.url}/?token=${this.server.token}${hash}`);
    await this.ready();
  }

  async ready(): Promise<void> {
    await expect(this.page.locator('[data-app-state="loaded"]')).toBeVisible();
  }

  async go(key: PageKey): Promise<void> {
    await this.page.getByTestId(`nav-${key}`).click();
    await expect(this.page.getByTestId(`nav-${key}`)).toHaveAttribute('aria-current', 'page');
  }

  /** The admin token as the server printed it, for API calls the test makes itself. */
  authHeaders(): Record<string, string> {
    return { authorization: `Bearer ${this.server.token}` };
  }
}
