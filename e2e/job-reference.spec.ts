import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './fixtures.ts';
import { JobsPage } from './pages/JobsPage.ts';
import { screenshot } from './support/screenshots.ts';
import { repoRoot } from './support/server.ts';

const adult = readFileSync(join(repoRoot, 'test', 'fixtures', 'adult.csv'), 'utf8').split('\n').filter((line) => line.trim() !== '');

/** `rows` Adult census rows under `name`; `bad` rows get an age the model cannot read. */
function adultFile(rows: number, name: string, bad: number[] = []): string {
  const lines = [adult[0]!];
  for (let i = 0; i < rows; i++) lines.push(adult[1 + (i % (adult.length - 1))]!);
  for (const row of bad) lines[row] = lines[row]!.replace(/^\d+/, 'forty');
  const file = join(mkdtempSync(join(tmpdir(), 'modeldesk-e2e-jobref-')), name);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

test('a completed job\'s input becomes the drift reference of the version it scored, replacing the active one', async ({ shell }) => {
  test.setTimeout(180_000);
  const page = shell.page;
  const jobs = new JobsPage(page);

  await shell.go('jobs');
  await page.getByTestId('job-user').fill('Ana');
  await jobs.start(adultFile(500, 'scored-in-march.csv'));
  await jobs.waitForState('Completed');
  await page.getByTestId('job-use-as-reference').click();
  await expect(page.getByTestId('job-reference-replaces')).toHaveText('The version has no reference profile yet.');
  await page.getByTestId('job-reference-apply').click();
  await expect(page.getByTestId('job-reference-done')).toContainText('scored-in-march.csv (500 rows; columns not used: income)');

  await shell.go('jobs');
  const id = await jobs.start(adultFile(2000, 'census-april.csv', [42]));
  await jobs.waitForState('Completed');
  await page.getByTestId('job-use-as-reference').click();
  const confirm = page.getByTestId('job-reference-confirm');
  await expect(confirm).toContainText('The 1,999 rows of census-april.csv become the reference profile of random forest v0.0.1 on income_classifier');
  await expect(confirm).toContainText('The row the job could not score is left out.');
  await expect(page.getByTestId('job-reference-replaces')).toContainText(/^It replaces the version's active reference \(#\d+: job #\d+ input: scored-in-march\.csv \(500 rows; columns not used: income\)\), which is kept, inactive\.$/);
  await screenshot(page, 'job-reference-confirm');
  await page.getByTestId('job-reference-apply').click();
  await expect(page.getByTestId('job-reference-done')).toContainText(`job #${id} input: census-april.csv (1999 rows; 1 row the job could not score left out; columns not used: income)`);
  await screenshot(page, 'job-reference');

  await page.getByTestId('job-reference-monitoring').click();
  await expect(page.getByTestId('reference-summary')).toContainText(`job #${id} input: census-april.csv (1999 rows`);
});
