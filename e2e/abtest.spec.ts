import { expect, test } from './fixtures.ts';
import { screenshot } from './support/screenshots.ts';
import { driveTraffic, incomeRecords } from './support/traffic.ts';

test('run an A/B test between the two income algorithms to a verdict, then stop it', async ({ shell, abtests, models, server }) => {
  const page = shell.page;
  test.setTimeout(180_000);
  await shell.go('abtests');
  await expect(page.getByTestId('abtests-empty')).toBeVisible();

  const id = await abtests.create({ title: 'Random forest vs logistic regression', arms: ['random forest v0.0.1', 'logistic regression v0.0.1'], user: 'E2E Tester' });
  expect(id).toBeGreaterThan(0);
  await expect(page.getByTestId('abtest-state')).toContainText('Running');
  await abtests.waitForVerdict('not_enough_data');

  // clients with ground truth: logistic regression (arm B, id 2) agrees with it more often
  const { predictions } = await driveTraffic(server.url, 'income_classifier', incomeRecords(320), 2);
  expect(predictions).toBe(320);

  await abtests.waitForVerdict('better');
  await expect(page.getByTestId('verdict-text')).toContainText('Arm B (logistic regression');
  await expect(page.getByTestId('metric-timeline')).toBeVisible();
  await expect(page.getByTestId('traffic-split')).toBeVisible();
  await expect(page.getByTestId('coverage-A')).toContainText('labelled (100%)');
  await screenshot(page, 'abtest-live');

  const stop = await abtests.openStop();
  await expect(stop.getByTestId('stop-plan')).toContainText('Promote B: logistic regression v0.0.1');
  await screenshot(page, 'abtest-stop');
  await abtests.confirmStop(stop, 'E2E Tester');
  await expect(page.getByTestId('abtest-outcome')).toContainText('logistic regression v0.0.1 promoted to production');
  await expect(page.getByTestId('verdict')).toContainText('Final verdict');

  await shell.go('models');
  await expect(models.row('logistic regression')).toContainText('Production');
});
