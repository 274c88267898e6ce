import { expect, type Locator, type Page } from '@playwright/test';

/** Requests: filters, the log table, a request's drawer, inline feedback. */
export class RequestsPage {
  readonly table: Locator;
  readonly drawer: Locator;

  constructor(readonly page: Page) {
    this.table = page.getByTestId('request-table');
    this.drawer = page.getByTestId('request-drawer');
  }

  row(id: number): Locator {
    return this.page.getByTestId(`request-row-${id}`);
  }

  async filterEndpoint(name: string): Promise<void> {
    await this.page.getByTestId('filter-endpoint').click();
    await this.page.getByRole('option', { name, exact: true }).click();
  }

  async filterKey(label: RegExp): Promise<void> {
    await this.page.getByTestId('filter-key').click();
    await this.page.getByRole('option', { name: label }).click();
  }

  async filterFeedback(which: 'All' | 'With' | 'Without'): Promise<void> {
    await this.page.getByTestId('filter-feedback').getByText(which, { exact: true }).click();
  }

  feedbackInput(id: number): Locator {
    return this.page.getByTestId(`request-feedback-${id}-input`);
  }

  /** Picks one of the classifier's classes (saved when picked). */
  async setFeedback(id: number, value: string): Promise<void> {
    await this.feedbackInput(id).click();
    await this.page.getByRole('option', { name: value, exact: true }).click();
    await expect(this.feedbackInput(id)).toHaveValue(value);
    await expect(this.page.getByTestId(`request-feedback-${id}-save`)).toHaveAttribute('data-saved', 'true');
  }

  async open(id: number): Promise<void> {
    await this.row(id).getByTestId('request-open').click();
    await expect(this.drawer.getByTestId('request-input')).toBeVisible();
  }
}
