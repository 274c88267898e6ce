import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tutorialRecord } from '../test/fixtures/index.ts';
import { expect, test } from './fixtures.ts';
import { screenshot } from './support/screenshots.ts';

test('the token stays in the tab, not in the address bar', async ({ shell, server }) => {
  const page = shell.page;
  expect(page.url()).not.toContain('token=');
  expect(await page.evaluate("sessionStorage.getItem('modeldesk.token')")).toBe(server.token);
  await page.reload();
  await shell.ready();
  await expect(page.getByTestId('endpoint-income_classifier')).toBeVisible();
});

test('without a token the app asks for one', async ({ page, server }) => {
  await page.goto(`${server.url}/`);
  await expect(page.getByTestId('token-gate')).toBeVisible();
  await page.getByTestId('token-input').fill('wrong-token');
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByText('The server did not accept this token.')).toBeVisible();
  await page.getByTestId('token-input').fill(`${server.url}/?token=${server.token}`);
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.getByTestId('nav-models')).toBeVisible();
});

test('the server page shows the address, the masked token and a first call', async ({ shell, serverPage, server }) => {
  await shell.go('server');
  await expect(serverPage.baseUrl()).toHaveText(`${server.url}/api/v1`);
  await expect(serverPage.token).toHaveAttribute('type', 'password');
  await screenshot(shell.page, 'server');
  await serverPage.revealToken();
  await expect(serverPage.token).toHaveAttribute('type', 'text');
  await expect(serverPage.token).toHaveValue(server.token);
  await expect(serverPage.docsLink()).toHaveAttribute('href', '/docs');
  await expect(shell.page.getByTestId('snippet-curl')).toContainText('/api/v1/income_classifier/predict');
  await expect(shell.page.getByTestId('snippet-curl')).toContainText('"education-num":9');
});

test('serving settings: batching per model is shown, changed, saved to serving.json and applied', async ({ shell, serverPage, server }) => {
  await shell.go('server');
  const card = serverPage.servingCard();
  await card.scrollIntoViewIfNeeded();
  await expect(serverPage.modelStats(1)).toHaveText(/not loaded/);

  // eight concurrent predictions: the forest runs them batched
  const answers = await Promise.all(
    Array.from({ length: 8 }, () => fetch(`${server.url}/api/v1/income_classifier/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(tutorialRecord) }))
  );
  expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
  await expect(serverPage.modelStats(1)).toHaveText(/^8 requests in [1-7] runs? /, { timeout: 10_000 });

  await serverPage.modelMaxBatch(1).fill('1');
  await shell.page.getByTestId('serving-max_wait_us').fill('200');
  await screenshot(shell.page, 'serving-settings');
  await serverPage.saveServing();
  await expect(shell.page.getByTestId('serving-saved')).toBeVisible();
  expect(JSON.parse(readFileSync(join(server.dataDir, 'serving.json'), 'utf8'))).toEqual({
    max_wait_us: 200,
    algorithms: { '1': { max_batch_size: 1 } }
  });

  // applied at once: the forest now runs each request on its own
  await Promise.all(
    Array.from({ length: 4 }, () => fetch(`${server.url}/api/v1/income_classifier/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(tutorialRecord) }))
  );
  const settings = (await (await fetch(`${server.url}/api/v1/serving`, { headers: shell.authHeaders() })).json()) as { models: { algorithm_id: number; max_batch_size: number }[] };
  expect(settings.models.find((m) => m.algorithm_id === 1)?.max_batch_size).toBe(1);

  await shell.page.reload();
  await shell.ready();
  await expect(serverPage.modelMaxBatch(1)).toHaveValue('1');
  await expect(shell.page.getByTestId('serving-save')).toBeDisabled();
});

test('the desktop menu routes work in the browser too', async ({ shell }) => {
  await shell.page.evaluate("location.hash = '#/models?register=1'");
  await expect(shell.page.getByTestId('register-modal')).toBeVisible();
  await shell.page.keyboard.press('Escape');
  await expect(shell.page.getByTestId('register-modal')).toBeHidden();
  expect(shell.page.url()).not.toContain('register=1');
});
