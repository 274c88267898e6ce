import { expect, type Locator, type Page } from '@playwright/test';

/** Server → API keys: create (the secret shown once), the list, revoke. */
export class ApiKeysCard {
  readonly card: Locator;

  constructor(readonly page: Page) {
    this.card = page.getByTestId('keys-card');
  }

  /** Creates a key from the dialog and returns its secret, read from the dialog that shows it once. */
  async create(options: { name: string; scope: 'predict' | 'read' | 'admin'; endpoints?: string[] }): Promise<string> {
    await this.card.getByTestId('key-create').click();
    const modal = this.page.getByTestId('key-modal');
    await modal.getByTestId('key-name').fill(options.name);
    await modal.getByTestId('key-scope').getByText(options.scope, { exact: true }).click();
    for (const endpoint of options.endpoints ?? []) {
      await modal.getByTestId('key-endpoints').click();
      await this.page.getByRole('option', { name: endpoint, exact: true }).click();
    }
    await modal.getByTestId('key-submit').click();
    const secret = modal.getByTestId('key-secret');
    await expect(secret).toHaveText(/^mdk_\w{38}$/);
    return (await secret.textContent())!;
  }

  async closeCreated(): Promise<void> {
    await this.page.getByTestId('key-done').click();
    await expect(this.page.getByTestId('key-modal')).toBeHidden();
  }

  row(name: string): Locator {
    return this.card.getByTestId('keys-table').getByRole('row').filter({ hasText: name });
  }

  async revoke(name: string): Promise<void> {
    await this.row(name).getByRole('button', { name: 'Revoke' }).click();
    await this.page.getByTestId('key-revoke-confirm').click();
    await expect(this.row(name).getByText('revoked', { exact: true })).toBeVisible();
  }
}
