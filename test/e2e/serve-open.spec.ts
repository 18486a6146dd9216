// `serve --open`: the browser is started with a one-time code, never the launch token (a command line is readable by
// every local user); the page trades the code for the token, works, and keeps working after a reload.
import { expect, test } from '@playwright/test';
import { startLabServer, type LabServer } from './lab-server';

let server: LabServer;
test.beforeAll(async () => {
  server = await startLabServer({ open: true });
});
test.afterAll(async () => {
  await server.close();
});

test('serve --open: the one-time code becomes the token inside the page', async ({ page }) => {
  const opened = await (server.opened as () => Promise<string>)();
  const token = new URL(server.url).searchParams.get('token') as string;
  expect(opened).toMatch(/\/\?code=[A-Za-z0-9_-]+$/);
  expect(opened).not.toContain(token);

  await page.goto(opened);
  // the sample corpora come from the API: they show only if the code was traded for the token
  await expect(page.getByTestId('samples')).toBeVisible();
  expect(page.url()).not.toContain('code=');
  await page.reload();
  await expect(page.getByTestId('samples')).toBeVisible();
  // the code was spent: a second browser opening it gets the sentence, not the lab
  const spent = await page.request.post(opened.replace('/?code=', '/api/session?code='));
  expect(spent.status()).toBe(401);
});
