import { expect, type Locator, type Page } from '@playwright/test';

export interface NewAbTest {
  title: string;
  /** option labels as shown, e.g. "random forest v0.0.1" (matched as a prefix) */
  arms: [string, string];
  user: string;
}

/** A/B tests: list, create dialog, the live view and stopping. */
export class AbTestsPage {
  readonly detail: Locator;
  readonly verdict: Locator;

  constructor(readonly page: Page) {
    this.detail = page.getByTestId('abtest-detail');
    this.verdict = page.getByTestId('verdict');
  }

  async create(test: NewAbTest): Promise<number> {
    await this.page.getByTestId('abtest-new').click();
    const modal = this.page.getByTestId('create-abtest-modal');
    await expect(modal).toBeVisible();
    await modal.getByTestId('abtest-title-input').fill(test.title);
    for (const [i, arm] of test.arms.entries()) {
      await modal.getByTestId(`abtest-arm-${i}-algorithm`).click();
      await this.page.getByRole('option', { name: new RegExp(`^${escape(arm)}`) }).click();
    }
    await modal.getByTestId('abtest-user').fill(test.user);
    await modal.getByTestId('abtest-create-submit').click();
    await expect(this.detail).toBeVisible();
    return Number(/#\/abtests\/(\d+)/.exec(this.page.url())?.[1]);
  }

  /** Waits (polling in the page, no sleeps) for the live verdict to reach `code`. */
  async waitForVerdict(code: 'better' | 'no_significant_difference' | 'not_enough_data'): Promise<void> {
    await expect(this.verdict).toHaveAttribute('data-verdict', code, { timeout: 30_000 });
  }

  armMetric(arm: string): Locator {
    return this.page.getByTestId(`arm-metric-${arm}`);
  }

  async openStop(): Promise<Locator> {
    await this.page.getByTestId('abtest-stop').click();
    const modal = this.page.getByTestId('stop-modal');
    await expect(modal).toBeVisible();
    return modal;
  }

  async confirmStop(modal: Locator, user: string): Promise<void> {
    await modal.getByTestId('stop-user').fill(user);
    await modal.getByTestId('stop-submit').click();
    await expect(modal).toBeHidden();
    await expect(this.detail).toHaveAttribute('data-state', 'stopped');
  }
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
