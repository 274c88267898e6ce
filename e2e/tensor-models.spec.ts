import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures.ts';
import { screenshot } from './support/screenshots.ts';
import { repoRoot } from './support/server.ts';

const fixture = (name: string, file: string) => join(repoRoot, 'test', 'fixtures', name, file);
const sample = (name: string) => JSON.parse(readFileSync(fixture(name, 'sample.json'), 'utf8')) as { classes: (string | number)[]; records: Record<string, unknown>[] };

/** Issue 21 and issue 12 §2 in the UI: a PyTorch image model predicted from a picture; a logits model registered as a classifier. */
test('register a PyTorch logits model as a classifier, then predict digits from a PNG in the Playground', async ({ shell, models, playground, serverPage: _server }) => {
  const page = shell.page;

  await test.step('the Register dialog reads the graph: logits at the end, classes asked for', async () => {
    await models.openRegister();
    const preview = await models.chooseFile(fixture('wine_logits', 'model.onnx'));
    await expect(preview).toContainText('[batch, 13]');
    await expect(page.getByTestId('output-kind-hint')).toContainText('Output logits looks like logits: the graph ends in a linear layer (Gemm)');
    await models.fillRegistration({ endpoint: 'wine', name: 'wine mlp', version: '1.0.0', status: 'Production' });
    await page.getByTestId('register-classes').fill(JSON.stringify(sample('wine_logits').classes));
    await screenshot(page, 'register-tensor-classifier');
    await models.submitRegistration();
    await expect(models.registerDialog).toBeHidden();
    await expect(models.detail).toContainText('classification · class_0, class_1, class_2 · output: logits');
  });

  await test.step('the wine model answers labels and probabilities in the Playground, from its tensor editor', async () => {
    await shell.go('playground');
    await playground.chooseEndpoint('wine');
    await expect(page.getByTestId('tensor-shape-input')).toHaveText('float32 [13]');
    await page.getByTestId('tensor-json-input').fill(JSON.stringify(sample('wine_logits').records[0]!.input));
    await playground.predict();
    await expect(playground.label()).toHaveText('class_0');
    await expect(playground.result.getByTestId('probability-chart')).toBeVisible();
    // a value the model cannot take is refused before sending, with the server's words
    await page.getByTestId('tensor-json-input').fill('[1, 2, 3]');
    await page.getByTestId('predict-submit').click();
    await expect(page.getByTestId('tensor-input-input')).toContainText('must be an array of 13 values, got an array of 3 (input "input" takes float32 [13] per record)');
  });

  await test.step('digits_image: a 64×64 PNG, grayscale 0–1, resized to 8×8, predicts its digit', async () => {
    const form = new FormData();
    form.set('file', new Blob([readFileSync(fixture('digits_image', 'model.onnx'))]), 'digits.onnx');
    for (const [k, v] of Object.entries({ endpoint: 'digits', name: 'digits cnn', version: '1.0.0', status: 'production', classes: JSON.stringify(sample('digits_image').classes) })) form.set(k, v);
    const registered = await fetch(`${shell.server.url}/api/v1/mlalgorithms`, { method: 'POST', body: form, headers: shell.authHeaders() });
    expect(registered.status).toBe(201);

    await page.reload();
    await shell.ready();
    await playground.chooseEndpoint('digits');
    await expect(page.getByTestId('tensor-shape-image')).toHaveText('float32 [1, 8, 8]');
    // zeros to start with: the preview is black
    await expect(page.getByTestId('tensor-preview-image')).toBeVisible();
    await expect(page.getByTestId('image-scale-image')).toContainText('Values 0–1');
    await page.getByTestId('image-file-image').setInputFiles(fixture('digits_image', 'digit_3_64x64.png'));
    // the editor now holds the 8×8 picture, byte / 255 (first row: 0, 0, 143/255, 1, 1, 112/255, 0, 0 as float32s, exactly the sample record PyTorch was given)
    await expect(page.getByTestId('tensor-json-image')).toHaveValue(/^\[\n {2}\[\n {4}\[0, 0, 0\.56078434, 1, 1, 0\.4392157, 0, 0\],/);
    await playground.predict();
    await expect(playground.label()).toHaveText('3');
    await expect(page.getByTestId('prediction-result')).toContainText('probability');
    await expect(await playground.showSnippet('python')).toContainText('"image": [');
    await page.getByTestId('playground-endpoint').scrollIntoViewIfNeeded();
    await screenshot(page, 'playground-image');

    await page.getByTestId('image-file-image').setInputFiles(fixture('digits_image', 'digit_7_64x64.png'));
    await playground.predict();
    await expect(playground.label()).toHaveText('7');
  });

  await test.step('the Server page\'s first call sends the selected model\'s record shape', async () => {
    await shell.go('server');
    await page.getByTestId('server-first-call-endpoint').click();
    await page.getByRole('option', { name: 'digits', exact: true }).click();
    await expect(page.getByTestId('snippet-curl')).toContainText('/api/v1/digits/predict');
    await expect(page.getByTestId('snippet-curl')).toContainText('{"image":[[[0,0,0,0,0,0,0,0],');
  });
});
