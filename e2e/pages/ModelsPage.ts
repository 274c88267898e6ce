import { expect, type Locator, type Page } from '@playwright/test';

export interface Registration {
  endpoint: string;
  name: string;
  version: string;
  description?: string;
  featureNames?: string;
  /** initial status option, e.g. 'Production' (default: Testing) */
  status?: string;
}

/** Models: endpoints, algorithms, the register dialog and status changes. */
export class ModelsPage {
  readonly registerDialog: Locator;
  readonly detail: Locator;

  constructor(readonly page: Page) {
    this.registerDialog = page.getByTestId('register-modal');
    this.detail = page.getByTestId('algorithm-detail');
  }

  endpoint(name: string): Locator {
    return this.page.getByTestId(`endpoint-${name}`);
  }

  algorithmRows(): Locator {
    return this.page.getByTestId('algorithm-table').locator('tbody tr');
  }

  row(name: string): Locator {
    return this.algorithmRows().filter({ hasText: name });
  }

  async openRegister(): Promise<void> {
    await this.page.getByTestId('register-open').click();
    await expect(this.registerDialog).toBeVisible();
  }

  /** Picks the file and waits for the signature read from it. */
  async chooseFile(path: string): Promise<Locator> {
    await this.page.getByTestId('register-file').setInputFiles(path);
    const preview = this.page.getByTestId('signature-preview');
    await expect(preview).toBeVisible();
    return preview;
  }

  async fillRegistration(r: Registration): Promise<void> {
    await this.page.getByTestId('register-endpoint').fill(r.endpoint);
    await this.page.getByTestId('register-name').fill(r.name);
    await this.page.getByTestId('register-version').fill(r.version);
    if (r.description) await this.page.getByTestId('register-description').fill(r.description);
    if (r.featureNames) await this.page.getByTestId('register-feature-names').fill(r.featureNames);
    if (r.status) {
      await this.page.getByTestId('register-status').click();
      await this.page.getByRole('option', { name: new RegExp(`^${r.status}`) }).click();
    }
  }

  async submitRegistration(): Promise<void> {
    await this.page.getByTestId('register-submit').click();
  }

  fieldError(label: string): Locator {
    return this.registerDialog.getByLabel(label).locator('xpath=ancestor::div[contains(@class,"mantine-InputWrapper-root")][1]').locator('.mantine-InputWrapper-error');
  }

  async selectAlgorithm(name: string): Promise<void> {
    await this.row(name).getByRole('button').click();
    await expect(this.detail).toContainText(name);
  }

  /** Opens a status action on the selected algorithm and confirms it with a reason. */
  async changeStatus(action: 'promote' | 'staging' | 'archive', reason: string, user = 'E2E Tester'): Promise<void> {
    await this.page.getByTestId(`action-${action}`).click();
    await this.confirmStatus(reason, user);
  }

  /** Rolls back with the server's plan on screen and its prefilled reason. */
  async rollback(user = 'E2E Tester'): Promise<Locator> {
    await this.page.getByTestId('rollback').click();
    const modal = this.page.getByTestId('rollback-modal');
    await expect(modal.getByTestId('rollback-plan')).toBeVisible();
    await modal.getByTestId('rollback-user').fill(user);
    await modal.getByTestId('rollback-submit').click();
    await expect(modal).toBeHidden();
    return modal;
  }

  private async confirmStatus(reason: string | undefined, user: string): Promise<void> {
    const modal = this.page.getByTestId('status-modal');
    await expect(modal).toBeVisible();
    if (reason !== undefined) await modal.getByTestId('status-reason').fill(reason);
    await modal.getByTestId('status-user').fill(user);
    await modal.getByTestId('status-submit').click();
    await expect(modal).toBeHidden();
  }

  history(): Locator {
    return this.page.getByTestId('status-history');
  }
}
