import { join } from 'node:path';
import { expect, test } from './fixtures.ts';
import { screenshot } from './support/screenshots.ts';
import { repoRoot } from './support/server.ts';
import type { AppShell } from './pages/AppShell.ts';

/** Issue 12 in the browser: the input contract's diff, stopping without traffic, metadata, long versions. */

const wineFile = join(repoRoot, 'test', 'fixtures', 'wine_softmax', 'model.onnx');
const irisFile = join(repoRoot, 'test', 'fixtures', 'iris_lr', 'model.onnx');

async function adminCall(shell: AppShell, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${shell.server.url}/api/v1${path}`, {
    method,
    headers: { ...shell.authHeaders(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  });
  return res.json();
}

test('the wine model under income_classifier: the Register dialog shows the diff and what clients would get', async ({ shell, models }) => {
  const page = shell.page;
  await models.openRegister();
  // the dialog pre-fills the selected endpoint, as in the repro
  await expect(page.getByTestId('register-endpoint')).toHaveValue('income_classifier');
  await models.chooseFile(wineFile);
  // the Name follows the file
  await expect(page.getByTestId('register-name')).toHaveValue('model');
  const contract = page.getByTestId('register-contract');
  await expect(contract.getByTestId('contract-summary')).toContainText('Breaking change for existing clients');
  await expect(contract.getByTestId('contract-summary')).toContainText('Existing clients would break');
  const breaking = contract.locator('tr[data-severity="breaking"]');
  await expect(breaking).toHaveCount(1);
  await expect(breaking).toContainText('JSON object with 14 fields');
  await expect(breaking).toContainText('array of 13 numbers');
  await expect(breaking).toContainText('refused with 400');
  await expect(page.getByTestId('register-submit')).toBeDisabled();
  await page.getByTestId('register-version').fill('2.0.0');
  await page.getByTestId('register-name').fill('wine knn');
  await page.getByTestId('breaking-accept').check();
  await page.getByTestId('breaking-reason').fill('the wine team takes over this endpoint; income clients move to income_v2');
  await expect(page.getByTestId('register-submit')).toBeEnabled();
  await expect(page.getByTestId('register-submit')).toHaveText('Register, breaking clients');
  await screenshot(page, 'contract-diff-register');
  await models.submitRegistration();
  await expect(models.registerDialog).toBeHidden();
  await expect(models.history()).toContainText('breaking change accepted (record format)');

  // promoting it shows the same diff before the user confirms
  await page.getByTestId('action-promote').click();
  const modal = page.getByTestId('status-modal');
  await expect(modal.getByTestId('contract-diff')).toContainText('Existing clients would break');
  await modal.getByTestId('status-reason').fill('wine only from now on');
  await modal.getByTestId('status-user').fill('E2E Tester');
  await expect(modal.getByTestId('status-submit')).toBeDisabled();
  await modal.getByTestId('breaking-accept').check();
  await screenshot(page, 'contract-diff-promote');
  await modal.getByTestId('status-submit').click();
  await expect(modal).toBeHidden();
  await expect(models.row('wine knn')).toContainText('Production');
  await page.getByTestId('section-contract').click();
  await expect(page.getByTestId('endpoint-contract')).toContainText('an array of 13 float32 values');
});

test('a register dialog that helps: the name follows the file, feature names as a CSV header, every bad field at once', async ({ shell, models }) => {
  const page = shell.page;
  await models.openRegister();
  await page.getByTestId('register-endpoint').fill('iris');
  await models.chooseFile(wineFile);
  await expect(page.getByTestId('register-name')).toHaveValue('model');
  await page.getByTestId('register-file').setInputFiles(join(repoRoot, 'models', 'income_classifier', 'random_forest.onnx'));
  await expect(page.getByTestId('register-name')).toHaveValue('random forest');
  await models.chooseFile(irisFile);
  await page.getByTestId('register-feature-names').fill('sepal length (cm),sepal width (cm),petal length (cm),petal width (cm)');
  await expect(models.registerDialog).toContainText('4 names for 4 columns');
  await page.getByTestId('register-version').fill('');
  await page.getByTestId('register-advanced').click();
  await models.registerDialog.getByLabel('Threshold').fill('7');
  await models.submitRegistration();
  await expect(models.fieldError('Version')).toHaveText('version is required');
  await expect(models.fieldError('Threshold')).toContainText('threshold must be a number from 0 to 1');
  await page.getByTestId('register-version').fill('1.0.0');
  await models.registerDialog.getByLabel('Threshold').fill('');
  await models.submitRegistration();
  await expect(models.registerDialog).toBeHidden();
  await expect(models.detail).toContainText('sepal length (cm)');
});

test('stop an A/B test with no traffic: the server says what will happen, and production stays', async ({ shell, abtests }) => {
  const page = shell.page;
  const test1 = await adminCall(shell, 'POST', '/abtests', { title: 'Forest vs regression', created_by: 'ana', parent_mlalgorithm_1: 1, parent_mlalgorithm_2: 2 });
  await page.goto(`${shell.server.url}/#/abtests/${test1.id}`);
  await expect(abtests.detail).toBeVisible();
  const stop = await abtests.openStop();
  await expect(stop.getByTestId('stop-choice-keep')).toBeChecked();
  await expect(stop.getByTestId('stop-plan')).toContainText('Keep production as it was');
  await expect(stop.getByTestId('stop-plan-text')).toContainText('Nothing is promoted: you chose to keep production as it was');
  await expect(stop.getByTestId('stop-plan-changes')).toContainText('A: random forest v0.0.1');
  await expect(stop).not.toContainText('force_winner');
  await expect(stop).not.toContainText('keep_production');
  await screenshot(page, 'abtest-stop-no-traffic');
  // the override describes itself too, without API names
  await stop.getByTestId('stop-choice-override').check();
  await stop.getByTestId('stop-force-winner').click();
  await page.getByRole('option', { name: /^B: logistic regression/ }).click();
  await expect(stop.getByTestId('stop-plan-text')).toContainText('becomes production because you override the verdict');
  await expect(stop.getByTestId('stop-submit')).toBeDisabled();
  await stop.getByTestId('stop-choice-keep').check();
  await abtests.confirmStop(stop, 'E2E Tester');
  await expect(page.getByTestId('abtest-outcome')).toContainText('production unchanged');
  const statuses = (await adminCall(shell, 'GET', '/mlalgorithms')).map((a: any) => a.current_status);
  expect(statuses).toEqual(['production', 'testing']);
});

test('edit metadata and see it in the history; compare metrics between versions', async ({ shell, models }) => {
  const page = shell.page;
  await models.selectAlgorithm('logistic regression');
  await page.getByTestId('action-edit').click();
  const modal = page.getByTestId('edit-algorithm-modal');
  await modal.getByTestId('edit-notes').fill('Calibrated with Platt scaling on the March sample.');
  await modal.getByTestId('edit-tags').fill('calibrated');
  await modal.getByTestId('edit-tags').press('Enter');
  await modal.getByTestId('metric-add').click();
  await modal.getByTestId('metric-name-1').fill('auc');
  await modal.getByTestId('metric-value-1').fill('0.9071');
  await modal.getByTestId('edit-reason').fill('validation report v3');
  await modal.getByTestId('edit-user').fill('E2E Tester');
  await modal.getByTestId('edit-submit').click();
  await expect(modal).toBeHidden();
  await expect(page.getByTestId('algorithm-notes')).toHaveText('Calibrated with Platt scaling on the March sample.');
  await expect(page.getByTestId('algorithm-metrics')).toHaveText('accuracy 0.8555 · auc 0.9071');
  await page.getByTestId('tab-edits').click();
  const history = page.getByTestId('metadata-history');
  await expect(history).toContainText('validation report v3');
  await expect(history.getByTestId('metadata-change-metrics')).toContainText('{"accuracy":0.8555} → {"accuracy":0.8555,"auc":0.9071}');
  await expect(history).toContainText('E2E Tester');
  await page.getByTestId('section-contract').click();
  await expect(page.getByTestId('contract-fields')).toContainText('education_num');
  await page.getByTestId('endpoint-panel').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await screenshot(page, 'endpoint-contract');
  await page.getByTestId('section-contract').click();
  await page.getByTestId('section-metrics').click();
  await expect(page.getByTestId('metrics-comparison')).toContainText('0.8635');
  await page.getByTestId('endpoint-edit').click();
  const endpointModal = page.getByTestId('edit-endpoint-modal');
  await endpointModal.getByTestId('edit-description').fill('Predicts whether a person earns more than $50K a year (UCI Adult).');
  await endpointModal.getByTestId('edit-user').fill('E2E Tester');
  await endpointModal.getByTestId('edit-submit').click();
  await expect(page.getByTestId('endpoint-summary')).toContainText('more than $50K');
  await page.getByTestId('section-edits').click();
  await expect(page.getByTestId('endpoint-panel').getByTestId('metadata-history')).toContainText('more than $50K');
  await screenshot(page, 'metadata-endpoint');
  await models.detail.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await screenshot(page, 'metadata-history');
});

test('a version of 86 characters leaves the status badge whole at 1024 px; the request log fits too', async ({ shell, models, requests }) => {
  const page = shell.page;
  const version = `2024.11.23-retrain-${'a1b2c3d4'.repeat(9)}`.slice(0, 86);
  expect(version).toHaveLength(86);
  const form = new FormData();
  form.set('file', new Blob([await import('node:fs').then((fs) => fs.readFileSync(join(repoRoot, 'models', 'income_classifier', 'logistic_regression.onnx')))]), 'lr.onnx');
  for (const [k, v] of Object.entries({ endpoint: 'income_classifier', name: 'logistic regression', version })) form.set(k, v);
  await fetch(`${shell.server.url}/api/v1/mlalgorithms`, { method: 'POST', headers: shell.authHeaders(), body: form });
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.reload();
  await shell.ready();
  const badge = models.row(version.slice(0, 30)).getByTestId('status-badge');
  await expect(badge).toHaveText('Testing');
  // the label is not cut: its text fits in its box
  expect(await badge.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
  await models.row(version.slice(0, 30)).getByRole('button').click();
  await expect(models.detail.getByTestId('status-badge').first()).toHaveText('Testing');
  expect(await models.detail.getByTestId('status-badge').first().evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
  await screenshot(page, 'long-version-1024');

  for (let i = 0; i < 3; i++) {
    await fetch(`${shell.server.url}/api/v1/income_classifier/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify((await import('../test/fixtures/index.ts')).tutorialRecord) });
  }
  await shell.go('requests');
  await expect(requests.table).toBeVisible();
  const scroller = page.locator('.mantine-Table-scrollContainer, .mantine-ScrollArea-viewport').filter({ has: requests.table }).first();
  expect(await scroller.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
  await expect(requests.feedbackInput(3)).toBeInViewport();
  await page.getByTestId('filter-time').click();
  await page.getByTestId('filter-range-1h').click();
  await expect(page.getByTestId('filter-time')).toHaveText('Last hour');
  await expect(page.getByTestId('requests-count')).toHaveText('1–3 of 3');
  await page.keyboard.press('Escape');
  await screenshot(page, 'requests-1024');
});

test('the sidebar dot turns red within seconds when the server dies', async ({ shell, server }) => {
  const page = shell.page;
  await expect(page.getByTestId('server-health')).toContainText(new URL(server.url).host);
  await server.stop();
  await expect(page.getByTestId('server-health')).toContainText('server offline', { timeout: 6000 });
});

test('the playground: pasted JSON predicts on the first click, a fixed record clears its error, a batch shows every answer', async ({ shell, playground }) => {
  const page = shell.page;
  const { tutorialRecord } = await import('../test/fixtures/index.ts');
  await shell.go('playground');
  // the form starts from the algorithm's input example (the tutorial's record for the seeded models)
  await expect(playground.field('education_num')).toHaveValue('9');
  await page.getByText('JSON', { exact: true }).click();
  const batch = [tutorialRecord, { ...tutorialRecord, age: 52, 'capital-gain': 15024 }, { ...tutorialRecord, age: 19, 'hours-per-week': 10 }];
  await page.getByTestId('predict-json').fill(JSON.stringify(batch));
  await page.getByTestId('predict-submit').click();
  await expect(page.getByTestId('batch-answers').locator('tbody tr')).toHaveCount(3);
  await expect(page.getByTestId('prediction-latency')).toContainText('for 3 records');
  await page.getByTestId('batch-answer-1').click();
  await expect(page.getByTestId('prediction-label')).toHaveText('>50K');
  await screenshot(page, 'playground-batch');

  await page.getByTestId('predict-json').fill('{"age": ');
  await page.getByTestId('predict-submit').click();
  await expect(page.getByText('Not valid JSON: fix it, then Predict again')).toBeVisible();
  await expect(page.getByTestId('result-empty')).toBeVisible();
  await page.getByTestId('predict-json').fill(JSON.stringify(tutorialRecord));
  await expect(page.getByText('Not valid JSON: fix it, then Predict again')).toBeHidden();
});
