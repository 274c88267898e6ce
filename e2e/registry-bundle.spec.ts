import { join } from 'node:path';
import Database from 'better-sqlite3';
import { adultRows, tutorialRecord } from '../test/fixtures/index.ts';
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
    await expect(plan.getByTestId('plan-algorithms-added')).toHaveText('2');
    await expect(plan.getByTestId('plan-algorithms-identical')).toHaveText('0');
    await expect(plan.getByTestId('plan-requests-added')).toHaveText('1');
    await expect(plan.getByTestId('plan-conflicts')).toHaveCount(0);
    await expect(await target.apply()).toContainText('2 algorithm version(s), 1 endpoint(s) and 1 request row(s) added');
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
    await expect(second.getByTestId('plan-algorithms-identical')).toHaveText('2');
    await expect(second.getByTestId('plan-algorithms-added')).toHaveText('0');
    await expect(second.getByTestId('plan-requests-identical')).toHaveText('1');
    await expect(await target.apply()).toContainText('0 algorithm version(s) and 0 request row(s)');
    expect((await read(fresh, '/api/v1/mlrequests?endpoint=income_classifier')).count).toBe(2); // the prediction just made, no duplicate
  } finally {
    await fresh.stop();
  }
});

test('into a freshly seeded ModelDesk, the plan lists the request rows it merges and why; a second import adds none', async ({ models, server }, testInfo) => {
  for (const record of adultRows(6).map((r) => r.record)) await predict(server.url, 'income_classifier', record);
  const dialogs = new RegistryDialogs(models.page);
  const download = await dialogs.exportAll({ includeRequests: true });
  const bundle = join(testInfo.outputDir, download.suggestedFilename());
  await download.saveAs(bundle);

  const seeded = await startServer();
  try {
    const shell = new AppShell(models.page, seeded);
    await shell.open();
    const target = new RegistryDialogs(shell.page);
    await target.openImport();
    const plan = await target.choose(bundle);
    // the same seeded income models: identical, and their rows merged
    await expect(plan.getByTestId('plan-algorithms-identical')).toHaveText('2');
    await expect(plan.getByTestId('plan-requests-added')).toHaveText('6');
    await plan.getByTestId('plan-details-algorithms').getByRole('button').click();
    await expect(plan.getByTestId('plan-items-algorithms')).toContainText('the same model file (SHA-256) is here under this name and version');
    await plan.getByTestId('plan-details-requests').getByRole('button').click();
    const rows = plan.getByTestId('plan-items-requests');
    await expect(rows).toContainText('merged: the same model file, name and version are here, and these rows are not');
    await rows.scrollIntoViewIfNeeded();
    await screenshot(shell.page, 'import-plan-merge');
    await expect(await target.apply()).toContainText('0 algorithm version(s), 0 endpoint(s) and 6 request row(s) added');
    await shell.page.keyboard.press('Escape');
    expect((await read(seeded, '/api/v1/mlrequests?endpoint=income_classifier')).count).toBe(6);

    await target.openImport();
    const again = await target.choose(bundle);
    await expect(again.getByTestId('plan-requests-identical')).toHaveText('6');
    await expect(again.getByTestId('plan-requests-added')).toHaveText('0');
    await expect(await target.apply()).toContainText('0 algorithm version(s) and 0 request row(s) added');
    expect((await read(seeded, '/api/v1/mlrequests?endpoint=income_classifier')).count).toBe(6);
  } finally {
    await seeded.stop();
  }
});

test('Registry → Export for Triton / KServe writes the export after the parity check, and a mismatch shows the differing rows', async ({ models, server }) => {
  const answer = await predict(server.url, 'income_classifier', tutorialRecord);
  const dialogs = new RegistryDialogs(models.page);
  const modal = await dialogs.openPlatformExport();
  await modal.getByTestId('platform-storage-uri').fill('s3://team-models/modeldesk');
  await modal.getByTestId('platform-submit').click();
  const done = modal.getByTestId('platform-export-done');
  await expect(done).toContainText('Exported 2 model(s)');
  await expect(modal.getByTestId('platform-models')).toContainText('income_classifier__random_forest__0.0.1');
  await expect(modal.getByTestId('platform-models')).toContainText('1 logged');
  await screenshot(models.page, 'platform-export');
  const zip = models.page.waitForEvent('download');
  await modal.getByTestId('platform-download').click();
  expect((await zip).suggestedFilename()).toMatch(/^platforms-\d{8}-\d{6}-[0-9a-f]{6}\.zip$/);
  await models.page.keyboard.press('Escape');

  // a logged answer the exported graph does not give: the export is refused, row by row
  const db = new Database(join(server.dataDir, 'modeldesk.db'));
  try {
    db.prepare('update requests set response = ? where id = ?').run(JSON.stringify({ ...answer, label: answer.label === '>50K' ? '<=50K' : '>50K' }), answer.request_id);
  } finally {
    db.close();
  }
  const again = await dialogs.openPlatformExport();
  await again.getByTestId('platform-submit').click();
  const refused = again.getByTestId('platform-parity-refused');
  await expect(refused).toContainText('Export stopped: nothing was written');
  await expect(refused.getByTestId('platform-mismatches')).toContainText(`request ${answer.request_id}`);
  await expect(refused.getByTestId('platform-mismatches')).toContainText('label');
  await screenshot(models.page, 'platform-export-refused');
});
