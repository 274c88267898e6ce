import { expect, type Page } from '@playwright/test';

/** The Jobs page: start a batch job or a replay, watch it, its outcome and report. */
export class JobsPage {
  constructor(readonly page: Page) {}

  /** Chooses the input file (the browser uploads it) and starts the job with the default version. */
  async start(file: string): Promise<number> {
    await this.page.getByTestId('job-file-input').setInputFiles(file);
    await expect(this.page.getByTestId('job-input-name')).toBeVisible();
    await this.page.getByTestId('job-start').click();
    // the upload of a large file comes first
    await expect(this.page.getByTestId('job-detail')).toBeVisible({ timeout: 60_000 });
    return Number(/#\/jobs\/(\d+)/.exec(this.page.url())![1]);
  }

  async waitForState(label: 'Completed' | 'Failed' | 'Cancelled', timeout = 120_000): Promise<void> {
    await expect(this.page.getByTestId('job-state')).toHaveText(label, { timeout });
  }

  /** rows done, as the progress card shows it */
  async rowsDone(): Promise<number> {
    return Number((await this.page.getByTestId('job-rows-done').textContent())!.replaceAll(',', ''));
  }

  async replay(candidate: string, last: number): Promise<void> {
    await this.page.getByTestId('replay-new').click();
    const form = this.page.getByTestId('replay-form');
    await form.getByTestId('replay-candidate').click();
    await this.page.getByRole('option', { name: candidate }).click();
    await form.getByTestId('replay-last').fill(String(last));
    await form.getByTestId('replay-start').click();
    await expect(this.page.getByTestId('job-detail')).toBeVisible();
  }
}
