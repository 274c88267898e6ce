import { join } from 'node:path';
import { tutorialRecord } from '../test/fixtures/index.ts';
import { expect, test } from './fixtures.ts';
import { AppShell } from './pages/AppShell.ts';
import { ModelsPage } from './pages/ModelsPage.ts';
import { RegistryDialogs } from './pages/RegistryDialogs.ts';
import { screenshot } from './support/screenshots.ts';
import { startServer, type HeadlessServer } from './support/server.ts';
import { predict, sendFeedback } from './support/traffic.ts';

/** The admin API as a script reads it (the token the server printed). */
async function read<T = any>(server: HeadlessServer, path: string): Promise<T> {
  const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${server.token}` } });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

const algorithmsOf = async (server: HeadlessServer) =>
  (await read<any[]>(server, '/api/v1/mlalgorithms')).map((a) => ({ endpoint: a.endpoint, name: a.name, version: a.version, status: a.current_status, sha256: a.artifact_sha256 }));
const historyOf = async (server: HeadlessServer) =>
  (await read<any[]>(server, '/api/v1/mlalgorithmstatuses')).map((s) => ({ status: s.status, active: s.active, created_by: s.created_by, reason: s.reason, created_at: s.created_at }));

test('a registry exported from one ModelDesk is imported into a fresh one: endpoints, versions, history and predictions arrive', async ({ models, server }, testInfo) => {
  // the source: the seeded registry, one status change, one prediction with its ground truth
  const staged = await fetch(`${server.url}/api/v1/mlalgorithmstatuses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ status: 'staging', created_by: 'E2E Tester', parent_mlalgorithm: 2, reason: 'ready for review' })
  });
  expect(staged.status).toBe(201);
  const answer = await predict(server.url, 'income_classifier', tutorialRecord);
  await sendFeedback(server.url, answer.request_id, '>50K');

  const dialogs = new RegistryDialogs(models.page);
  // the browser downloads the bundle itself (a one-time ticket in the link), straight to disk
  const download = await dialogs.exportAll({ includeRequests: true });
  await screenshot(models.page, 'export-done');
  expect(download.suggestedFilename()).toMatch(/\.modeldesk$/);
  const bundle = join(testInfo.outputDir, download.suggestedFilename());
  await download.saveAs(bundle);

  // the target: a second ModelDesk with its own data directory and an empty registry
  const fresh = await startServer({ seed: false });
  try {
    expect(await read(fresh, '/api/v1/endpoints')).toEqual([]);
    const shell = new AppShell(models.page, fresh);
    await shell.open();
    const target = new RegistryDialogs(shell.page);
    await target.openImport();
    const plan = await target.choose(bundle);
    await expect(plan.getByTestId('plan-new')).toHaveText('2');
    await expect(plan.getByTestId('plan-identical')).toHaveText('0');
    await expect(plan.getByTestId('plan-conflicts')).toHaveText('0');
    await expect(await target.apply()).toContainText('2 algorithm version(s) and 1 endpoint(s) added');
    await shell.page.keyboard.press('Escape');

    // the app shows what arrived
    const imported = new ModelsPage(shell.page);
    await expect(imported.endpoint('income_classifier')).toBeVisible();
    await imported.endpoint('income_classifier').click();
    await expect(imported.algorithmRows()).toHaveCount(2);

    // the same versions with the same model files, statuses and history, authors and times kept
    expect(await algorithmsOf(fresh)).toEqual(await algorithmsOf(server));
    expect(await historyOf(fresh)).toEqual(await historyOf(server));
    expect((await historyOf(fresh)).at(-1)).toMatchObject({ status: 'staging', reason: 'ready for review', active: true });

    // the request log came along, with its feedback
    const log = await read(fresh, '/api/v1/mlrequests?endpoint=income_classifier');
    expect(log.count).toBe(1);
    expect(JSON.parse(log.results[0].input_data)).toEqual(tutorialRecord);
    expect(log.results[0]).toMatchObject({ response: answer.label, feedback: '>50K', status: 'OK' });

    // and the imported model answers as the original does
    const again = await predict(fresh.url, 'income_classifier', tutorialRecord);
    expect(again).toMatchObject({ label: answer.label, algorithm_id: answer.algorithm_id, probability: (answer as any).probability });

    // importing the same bundle twice changes nothing
    await target.openImport();
    const second = await target.choose(bundle);
    await expect(second.getByTestId('plan-identical')).toHaveText('2');
    await expect(second.getByTestId('plan-new')).toHaveText('0');
    await expect(await target.apply()).toContainText('0 algorithm version(s)');
    expect((await read(fresh, '/api/v1/mlrequests?endpoint=income_classifier')).count).toBe(2); // the prediction just made, no duplicate
  } finally {
    await fresh.stop();
  }
});
