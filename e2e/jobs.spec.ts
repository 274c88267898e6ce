import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './fixtures.ts';
import { JobsPage } from './pages/JobsPage.ts';
import { screenshot } from './support/screenshots.ts';
import { repoRoot } from './support/server.ts';
import { predict, sendFeedback } from './support/traffic.ts';

const adult = readFileSync(join(repoRoot, 'test', 'fixtures', 'adult.csv'), 'utf8').split('\n').filter((line) => line.trim() !== '');

/** The Adult census file (its header, ", " separators and empty fields), `rows` long. */
function adultFile(rows: number, name = 'adult.csv', edit?: (lines: string[]) => void): string {
  const lines = [adult[0]!];
  for (let i = 0; i < rows; i++) lines.push(adult[1 + (i % (adult.length - 1))]!);
  edit?.(lines);
  const file = join(mkdtempSync(join(tmpdir(), 'modeldesk-e2e-job-')), name);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

test('score a file: live progress, the outcome, download the result and the error rows, the history', async ({ shell }) => {
  test.setTimeout(240_000);
  const page = shell.page;
  const jobs = new JobsPage(page);
  await shell.go('jobs');
  await expect(page.getByTestId('jobs-empty')).toBeVisible();
  await page.getByTestId('job-user').fill('Ana');

  const file = adultFile(150_000, 'census-2026.csv', (lines) => {
    lines[42] = lines[42]!.replace(/^\d+/, 'forty');
  });
  const id = await jobs.start(file);
  await expect(page.getByTestId('job-progress')).toBeVisible();
  await expect.poll(() => jobs.rowsDone(), { timeout: 60_000 }).toBeGreaterThan(0);
  await expect(page.getByTestId('job-rate')).not.toHaveText('—');
  await expect(page.getByTestId('job-eta')).not.toHaveText('—');
  await screenshot(page, 'jobs-progress');

  await jobs.waitForState('Completed');
  await expect(page.getByTestId('job-outcome')).toContainText('150,000 rows scored');
  await expect(page.getByTestId('job-outcome')).toContainText('1 row could not be scored: the error column says why.');
  await expect(page.getByTestId('job-facts')).toContainText('census-2026.csv');
  await expect(page.getByTestId('job-facts')).toContainText('First failed rows42');
  await screenshot(page, 'jobs-done');

  const [result] = await Promise.all([page.waitForEvent('download'), page.getByTestId('job-download-result').click()]);
  expect(result.suggestedFilename()).toBe(`census-2026.job-${id}.result.csv`);
  const text = readFileSync((await result.path())!, 'utf8').split('\n');
  expect(text[0]).toMatch(/, income,prediction,probability_<=50K,probability_>50K,error$/);
  expect(text).toHaveLength(150_002);
  const [errors] = await Promise.all([page.waitForEvent('download'), page.getByTestId('job-download-errors').click()]);
  expect(readFileSync((await errors.path())!, 'utf8')).toContain('42,forty,');

  await page.getByRole('link', { name: '← All jobs' }).click();
  await expect(page.getByTestId(`job-row-${id}`)).toContainText('census-2026.csv');
  await expect(page.getByTestId(`job-row-${id}`)).toContainText('Completed');
  await screenshot(page, 'jobs-history');
});

test('a file the job cannot read is refused on screen; a running job can be cancelled and keeps its rows', async ({ shell }) => {
  test.setTimeout(240_000);
  const page = shell.page;
  const jobs = new JobsPage(page);
  await shell.go('jobs');

  await page.getByTestId('job-file-input').setInputFiles({ name: 'empty.csv', mimeType: 'text/csv', buffer: Buffer.alloc(0) });
  await page.getByTestId('job-start').click();
  await expect(page.getByTestId('job-error')).toContainText('the uploaded file is empty (0 bytes)');
  await page.getByTestId('job-file-input').setInputFiles({ name: 'no-age.csv', mimeType: 'text/csv', buffer: Buffer.from('years,workclass\n1,Private\n') });
  await page.getByTestId('job-start').click();
  await expect(page.getByTestId('job-error')).toContainText('the header has no column for the model\'s fields "age"');

  await jobs.start(adultFile(300_000));
  await expect.poll(() => jobs.rowsDone(), { timeout: 60_000 }).toBeGreaterThan(0);
  await page.getByTestId('job-cancel').click();
  await jobs.waitForState('Cancelled');
  await expect(page.getByTestId('job-message')).toContainText(/^cancelled after [\d,]+ rows: the result holds rows 1 to \d+$/);
  await expect(page.getByTestId('job-download-result')).toContainText('Download result (rows 1–');
});

test('replay logged traffic against a candidate: the verdict, then an A/B test or a promotion from the report', async ({ shell, server }) => {
  test.setTimeout(240_000);
  const page = shell.page;
  const jobs = new JobsPage(page);
  // clients of the production forest, with the true income as feedback
  for (const line of adult.slice(1, 801)) {
    const values = line.split(',').map((v) => v.trim());
    const names = adult[0]!.split(',').map((c) => c.trim());
    const record = Object.fromEntries(names.slice(0, 14).map((n, i) => [n, values[i]!]));
    const answer = await predict(server.url, 'income_classifier', record);
    await sendFeedback(server.url, answer.request_id, values[14]!);
  }
  await shell.go('jobs');
  await jobs.replay('logistic regression v0.0.1 · Testing', 800);
  await expect(page.getByTestId('job-state')).toHaveText('Completed', { timeout: 120_000 });
  await expect(page.getByTestId('replay-verdict')).toHaveAttribute('data-verdict', 'worse');
  await expect(page.getByTestId('replay-verdict-text')).toContainText('The candidate is worse: accuracy');
  await expect(page.getByTestId('replay-arms')).toContainText('random forest v0.0.1');
  await expect(page.getByTestId('replay-flips')).toBeVisible();
  await expect(page.getByTestId('replay-latency')).toBeVisible();
  await screenshot(page, 'replay-report');

  await page.getByTestId('replay-promote').click();
  const modal = page.getByTestId('status-modal');
  await expect(modal.getByLabel('Reason')).toHaveValue(/^Replay #\d+ of 800 logged requests: The candidate is worse/);
  await screenshot(page, 'replay-promote');
  await page.keyboard.press('Escape');

  await page.getByTestId('replay-start-abtest').click();
  await expect(page.getByTestId('abtest-detail')).toBeVisible();
  await expect(page.getByTestId('abtest-title')).toContainText('random forest v0.0.1 vs logistic regression v0.0.1');
});
