import type { Locator, Page } from '@playwright/test';

/** Server: address, token (masked, revealable, copyable), docs link, snippets. */
export class ServerPage {
  readonly token: Locator;

  constructor(readonly page: Page) {
    this.token = page.getByTestId('server-token');
  }

  baseUrl(): Locator {
    return this.page.getByTestId('server-base-url');
  }

  async revealToken(): Promise<void> {
    await this.page.getByRole('button', { name: 'Reveal or hide the token' }).click();
  }

  docsLink(): Locator {
    return this.page.getByTestId('server-docs-link');
  }

  servingCard(): Locator {
    return this.page.getByTestId('serving-settings');
  }

  /** the "since loaded" cell of one algorithm's row in the serving table */
  modelStats(algorithmId: number): Locator {
    return this.page.getByTestId(`serving-model-${algorithmId}-stats`);
  }

  modelMaxBatch(algorithmId: number): Locator {
    return this.page.getByTestId(`serving-model-${algorithmId}-max_batch_size`);
  }

  async saveServing(): Promise<void> {
    await this.page.getByTestId('serving-save').click();
  }

  requestLogCard(): Locator {
    return this.page.getByTestId('request-log');
  }

  retention(name: 'log_retention_days' | 'log_retention_mb'): Locator {
    return this.page.getByTestId(`serving-${name}`);
  }

  async saveRetention(): Promise<void> {
    await this.page.getByTestId('request-log-save').click();
  }
}
