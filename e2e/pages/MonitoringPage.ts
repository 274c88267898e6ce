import { expect, type Locator, type Page } from '@playwright/test';

/** Monitoring: pickers, health and quality charts, the drift table and a column's histograms. */
export class MonitoringPage {
  readonly driftTable: Locator;
  readonly histogram: Locator;

  constructor(readonly page: Page) {
    this.driftTable = page.getByTestId('drift-table');
    this.histogram = page.getByTestId('histogram-overlay');
  }

  async pickWindow(window: '1h' | '24h' | '7d' | '30d'): Promise<void> {
    await this.page.getByTestId('monitoring-window').getByText(window, { exact: true }).click();
  }

  async pickVersion(label: RegExp | string): Promise<void> {
    await this.page.getByTestId('monitoring-version').click();
    await this.page.getByRole('option', { name: label }).click();
  }

  /** Waits until the page shows at least `requests` predictions in the window (the aggregates move every few seconds). */
  async waitForRequests(requests: number): Promise<void> {
    await expect(async () => {
      await this.page.reload();
      const shown = Number(await this.page.getByTestId('monitoring-page').getAttribute('data-requests', { timeout: 10_000 }));
      expect(shown).toBeGreaterThanOrEqual(requests);
    }).toPass({ timeout: 45_000, intervals: [1000, 2000] });
  }

  async setReference(file: string): Promise<void> {
    await this.page.getByTestId('reference-file').setInputFiles(file);
    await this.page.getByTestId('reference-upload').click();
    await expect(this.page.getByTestId('reference-summary')).toBeVisible({ timeout: 30_000 });
  }

  row(column: string): Locator {
    return this.page.getByTestId(`drift-row-${column}`);
  }
}
