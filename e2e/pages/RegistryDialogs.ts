import { expect, type Download, type Page } from '@playwright/test';

/** The Registry menu on the Models page: export and import of .modeldesk bundles (issue #5). */
export class RegistryDialogs {
  constructor(readonly page: Page) {}

  async exportAll(options: { includeRequests?: boolean } = {}): Promise<Download> {
    await this.page.getByTestId('registry-menu').click();
    await this.page.getByTestId('registry-export').click();
    await expect(this.page.getByTestId('export-modal')).toBeVisible();
    if (options.includeRequests) await this.page.getByLabel('Include the request log with feedback').check();
    const download = this.page.waitForEvent('download');
    await this.page.getByTestId('export-submit').click();
    await expect(this.page.getByTestId('export-done')).toBeVisible();
    return download;
  }

  /** Registry → Export for Triton / KServe…: the dialog, open. */
  async openPlatformExport() {
    await this.page.getByTestId('registry-menu').click();
    await this.page.getByTestId('registry-platform-export').click();
    const modal = this.page.getByTestId('platform-export-modal');
    await expect(modal).toBeVisible();
    return modal;
  }

  async openImport(): Promise<void> {
    await this.page.getByTestId('registry-menu').click();
    await this.page.getByTestId('registry-import').click();
    await expect(this.page.getByTestId('import-modal')).toBeVisible();
  }

  /** Picks the bundle and waits for the dry run's plan. */
  async choose(path: string) {
    await this.page.getByTestId('import-file').setInputFiles(path);
    const plan = this.page.getByTestId('import-plan');
    await expect(plan).toBeVisible();
    return plan;
  }

  async apply() {
    await this.page.getByTestId('import-submit').click();
    const done = this.page.getByTestId('import-done');
    await expect(done).toBeVisible();
    return done;
  }
}
