import { join } from 'node:path';
import { expect, test } from './fixtures.ts';
import { screenshot } from './support/screenshots.ts';
import { repoRoot } from './support/server.ts';
import { incomeRecords, predict, sendFeedback } from './support/traffic.ts';

const irisFile = join(repoRoot, 'test', 'fixtures', 'iris_lr', 'model.onnx');
const featureNames = '["sepal length (cm)","sepal width (cm)","petal length (cm)","petal width (cm)"]';

test('register a model in the UI, predict with it, give feedback, find it in the request log', async ({ shell, models, playground, requests, server }) => {
  const page = shell.page;

  await test.step('the shipped income classifier is listed with its status', async () => {
    await expect(models.endpoint('income_classifier')).toBeVisible();
    await expect(models.row('random forest')).toContainText('Production');
    await expect(models.row('logistic regression')).toContainText('Testing');
    await expect(models.detail.getByTestId('signature-table')).toContainText('marital_status');
    await expect(models.history()).toContainText('registered');
    await screenshot(page, 'models');
  });

  await test.step('register iris_lr: signature preview, a server error in place, then success', async () => {
    await models.openRegister();
    const preview = await models.chooseFile(irisFile);
    await expect(preview).toContainText('float_input');
    await expect(preview).toContainText('[?, 4]');
    await expect(preview).toContainText('probabilities');
    await models.fillRegistration({ endpoint: 'iris', name: 'iris logistic regression', version: '1.0.0', description: 'LogisticRegression on the iris measurements', featureNames: '["only one"]' });
    await models.submitRegistration();
    // the server names the field at fault; the dialog shows it under that field
    await expect(models.registerDialog.getByText(/feature_names/)).toBeVisible();
    await models.fillRegistration({ endpoint: 'iris', name: 'iris logistic regression', version: '1.0.0', featureNames, status: 'Production' });
    await screenshot(page, 'register-dialog');
    await models.submitRegistration();
    await expect(models.registerDialog).toBeHidden();
    await expect(models.endpoint('iris')).toBeVisible();
    await expect(models.detail).toContainText('iris logistic regression');
    await expect(models.detail).toContainText('sepal length (cm)');
  });

  let requestId = 0;
  await test.step('predict in the playground with one field per feature name', async () => {
    await shell.go('playground');
    await playground.chooseEndpoint('iris');
    await playground.fill({ 'sepal length (cm)': 6.7, 'sepal width (cm)': 3.0, 'petal length (cm)': 5.2, 'petal width (cm)': 2.3 });
    await playground.predict();
    await expect(playground.label()).toHaveText('2');
    await expect(playground.result.getByTestId('probability-chart')).toBeVisible();
    await expect(page.getByTestId('prediction-algorithm')).toContainText('iris logistic regression v1.0.0');
    await expect(page.getByTestId('prediction-latency')).toContainText('ms');
    requestId = await playground.requestId();
    expect(requestId).toBeGreaterThan(0);
    const curl = await playground.showSnippet('curl');
    await expect(curl).toContainText('/api/v1/iris/predict');
    await expect(curl).toContainText('"petal width (cm)":2.3');
    await expect(await playground.showSnippet('python')).toContainText('requests.post(url, json=record');
    await expect(await playground.showSnippet('javascript')).toContainText("method: 'POST'");
    await playground.giveFeedback('2');
    await screenshot(page, 'playground');
  });

  await test.step('the prediction is in the request log with its feedback; change it inline', async () => {
    // some client traffic on the income classifier, half of it labelled
    for (const [i, record] of incomeRecords(12).entries()) {
      const answer = await predict(server.url, 'income_classifier', record);
      if (i % 2 === 0) await sendFeedback(server.url, answer.request_id, answer.label);
    }
    await shell.go('requests');
    await expect(page.getByTestId('requests-count')).toHaveText('1–13 of 13');
    await screenshot(page, 'requests');
    await requests.filterEndpoint('iris');
    await requests.filterFeedback('With');
    await expect(requests.row(requestId)).toBeVisible();
    await expect(requests.feedbackInput(requestId)).toHaveValue('2');
    await requests.setFeedback(requestId, '1');
    await requests.open(requestId);
    await expect(requests.drawer.getByTestId('request-input')).toContainText('"petal length (cm)": 5.2');
    await expect(requests.drawer.getByTestId('request-response')).toContainText('"probabilities"');
    await expect(requests.drawer.getByTestId('drawer-feedback-input')).toHaveValue('1');
    await screenshot(page, 'request-detail');
    await page.keyboard.press('Escape');
    await expect(requests.drawer.getByTestId('request-input')).toBeHidden();
  });
});

test('promote another version with a reason, then roll back in one action', async ({ models }) => {
  await models.selectAlgorithm('logistic regression');
  await models.changeStatus('promote', 'better calibrated on the March sample');
  await expect(models.row('logistic regression')).toContainText('Production');
  await expect(models.row('random forest')).toContainText('Staging');
  await expect(models.history()).toContainText('better calibrated on the March sample');
  await expect(models.history()).toContainText('E2E Tester');

  await models.rollback();
  await expect(models.row('random forest')).toContainText('Production');
  await expect(models.row('logistic regression')).toContainText('Staging');
  await models.selectAlgorithm('random forest');
  await expect(models.history()).toContainText('Rollback from logistic regression v0.0.1');
});
