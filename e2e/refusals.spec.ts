import { expect, test } from './fixtures.ts';
import { screenshot } from './support/screenshots.ts';
import { incomeRecords, predict } from './support/traffic.ts';

/** Issue 12 §6: refused predictions show on the Requests page by reason, and as an A/B arm's errors. */
test('refused predictions are counted by reason on the Requests page and as arm errors on the A/B page', async ({ shell, abtests, server }) => {
  const page = shell.page;
  const send = (body: string, headers: Record<string, string>, endpoint = 'income_classifier') =>
    fetch(`${server.url}/api/v1/${endpoint}/predict`, { method: 'POST', body, headers: { 'x-client-key': `c${Math.random()}`, ...headers } });

  await shell.go('abtests');
  await abtests.create({ title: 'Forest vs regression, with a broken client', arms: ['random forest v0.0.1', 'logistic regression v0.0.1'], user: 'E2E Tester' });
  const records = incomeRecords(30);
  for (const [i, record] of records.entries()) await predict(server.url, 'income_classifier', record, `client-${i}`);
  // a client that sends ages as words, one that posts text, one with a typo in the endpoint
  for (const [i, record] of records.slice(0, 10).entries()) {
    expect((await send(JSON.stringify({ ...record, age: 'forty' }), { 'content-type': 'application/json', 'x-client-key': `bad-${i}` })).status).toBe(400);
  }
  for (let i = 0; i < 3; i++) expect((await send('age=40', { 'content-type': 'text/plain' })).status).toBe(415);
  expect((await send(JSON.stringify(records[0]), { 'content-type': 'application/json' }, 'income_clasifier')).status).toBe(400);

  await expect(page.getByTestId('arm-results')).toBeVisible();
  await page.reload();
  const refusedA = page.getByTestId('arm-refused-A');
  const refusedB = page.getByTestId('arm-refused-B');
  await expect(refusedA.or(refusedB).first()).toBeVisible();
  await expect(page.getByTestId('traffic-split')).toBeVisible();
  await page.getByTestId('arm-results').scrollIntoViewIfNeeded();
  await screenshot(page, 'abtest-refusals');

  await shell.go('requests');
  const summary = page.getByTestId('refusal-summary');
  await expect(summary).toContainText('14 refused requests');
  await expect(page.getByTestId('refusals-validation')).toContainText('invalid input: 10');
  await expect(page.getByTestId('refusals-unsupported_media_type')).toContainText('unsupported media type: 3');
  await expect(page.getByTestId('refusals-unknown_endpoint')).toContainText('unknown endpoint: 1');
  await screenshot(page, 'requests-refusals');
});
