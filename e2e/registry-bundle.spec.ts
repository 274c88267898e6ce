import { join } from 'node:path';
import { expect, test } from './fixtures.ts';
import { RegistryDialogs } from './pages/RegistryDialogs.ts';
import { screenshot } from './support/screenshots.ts';

test('export the registry to a .modeldesk bundle and import it back (a dry run first)', async ({ models }, testInfo) => {
  const dialogs = new RegistryDialogs(models.page);
  // the browser downloads the bundle itself (a one-time ticket in the link), straight to disk
  const download = await dialogs.exportAll();
  await screenshot(models.page, 'export-done');
  expect(download.suggestedFilename()).toMatch(/\.modeldesk$/);
  const bundle = join(testInfo.outputDir, download.suggestedFilename());
  await download.saveAs(bundle);
  await models.page.keyboard.press('Escape');

  await dialogs.openImport();
  const plan = await dialogs.choose(bundle);
  // the same registry: everything is already here, nothing new, no conflicts
  await expect(plan).toContainText('Already here');
  await expect(plan.getByTestId('plan-identical')).toHaveText('2');
  await expect(plan.getByTestId('plan-new')).toHaveText('0');
  await expect(plan.getByTestId('plan-conflicts')).toHaveText('0');
  const done = await dialogs.apply();
  await expect(done).toContainText('0 algorithm version(s)');
});
