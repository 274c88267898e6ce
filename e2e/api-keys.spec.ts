import { tutorialRecord } from '../test/fixtures/index.ts';
import { expect, test } from './fixtures.ts';
import { ApiKeysCard } from './pages/ApiKeysCard.ts';
import { screenshot } from './support/screenshots.ts';

/** What a script on another machine, or another app here, does with a key it was given. */
const script = (url: string, key: string) => ({
  readLog: () => fetch(`${url}/api/v1/mlrequests?page_size=5`, { headers: { authorization: `Bearer ${key}` } }),
  predict: () =>
    fetch(`${url}/api/v1/income_classifier/predict`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(tutorialRecord)
    })
});

test('a key created in the app works from a script until it is revoked there, and the audit log shows both', async ({ shell, server }) => {
  const page = shell.page;
  const keys = new ApiKeysCard(page);
  await shell.go('server');
  await keys.card.scrollIntoViewIfNeeded();
  const secret = await keys.create({ name: 'nightly report', scope: 'read' });
  await expect(page.getByTestId('key-modal')).toContainText('Shown this once');
  await screenshot(page, 'api-key-created');
  await keys.closeCreated();
  // the secret is gone from the page once the dialog closes: the list shows its prefix only
  await expect(keys.row('nightly report')).toContainText(`${secret.slice(0, 12)}…`);
  await expect(page.getByText(secret)).toHaveCount(0);

  const report = script(server.url, secret);
  expect((await report.readLog()).status).toBe(200);
  // a read key predicts nothing
  expect((await report.predict()).status).toBe(403);
  await page.reload();
  await shell.ready();
  await expect(keys.row('nightly report')).toContainText(/127\.0\.0\.1/);
  await keys.card.scrollIntoViewIfNeeded();
  await screenshot(page, 'api-keys');

  await keys.revoke('nightly report');
  const refused = await report.readLog();
  expect(refused.status).toBe(401);
  expect(((await refused.json()) as { message: string }).message).toBe('this API key has been revoked');

  await shell.go('audit');
  const table = page.getByTestId('audit-table');
  await expect(table.getByRole('row').nth(1)).toContainText('revoked API key “nightly report”');
  await expect(table.getByRole('row').nth(2)).toContainText('created API key “nightly report”');
  await expect(table).toContainText('owner');
  await screenshot(page, 'audit-log');
  await page.getByTestId('audit-filter-actor').click();
  await page.getByRole('option', { name: 'system', exact: true }).click();
  await expect(page.getByTestId('audit-count')).toHaveText('1–2 of 2');
});

test('the request log shows which key made each prediction, and filters by it', async ({ shell, server, requests }) => {
  const page = shell.page;
  const keys = new ApiKeysCard(page);
  await shell.go('server');
  const secret = await keys.create({ name: 'checkout-service', scope: 'predict', endpoints: ['income_classifier'] });
  await keys.closeCreated();
  const checkout = script(server.url, secret);
  for (let i = 0; i < 3; i++) expect((await checkout.predict()).status).toBe(200);
  // and one prediction without a key, as programs on this machine may
  expect((await fetch(`${server.url}/api/v1/income_classifier/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(tutorialRecord) })).status).toBe(200);

  await shell.go('requests');
  await expect(page.getByTestId('requests-count')).toHaveText('1–4 of 4');
  await requests.filterKey(/checkout-service/);
  await expect(page.getByTestId('requests-count')).toHaveText('1–3 of 3');
  await screenshot(page, 'requests-by-key');
  await requests.open(3);
  await expect(requests.drawer).toContainText('checkout-service');
});
