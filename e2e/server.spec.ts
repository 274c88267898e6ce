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

test('the desktop menu routes work in the browser too', async ({ shell }) => {
  await shell.page.evaluate("location.hash = '#/models?register=1'");
  await expect(shell.page.getByTestId('register-modal')).toBeVisible();
  await shell.page.keyboard.press('Escape');
  await expect(shell.page.getByTestId('register-modal')).toBeHidden();
  expect(shell.page.url()).not.toContain('register=1');
});
