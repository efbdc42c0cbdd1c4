// API tokens: shown once when created, usable as a Bearer token, dead once revoked.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, signIn, useMonitor } from './helpers.mjs';

const monitor = useMonitor();
const VIEWER = '{ viewer { username role } }';

test('a new token is shown once and works as a Bearer token against /graphql', async () => {
  const page = await monitor.newPage();
  await signIn(page, 'admin', monitor.adminPassword);
  await page.getByTestId('nav-tokens').click();

  await page.getByTestId('create-token-name').fill('ci-deploy');
  await page.getByTestId('create-token-submit').click();
  const token = (await page.getByTestId('new-token-value').innerText()).trim();
  await page.getByTestId('token-row-ci-deploy').waitFor();
  await screenshot(page, 'tokens');

  const answer = await monitor.graphql(VIEWER, {}, token);
  assert.equal(answer.errors, undefined);
  assert.equal(answer.data.viewer.username, 'admin');

  await page.getByTestId('new-token-dismiss').click();
  await page.getByTestId('new-token').waitFor({ state: 'detached' });
  await page.reload();
  await page.getByTestId('token-row-ci-deploy').waitFor();
  assert.ok(!(await page.content()).includes(token), 'the token is shown again');
});

test('a revoked token stops working', async () => {
  const page = await monitor.newPage();
  await signIn(page, 'admin', monitor.adminPassword);
  await page.getByTestId('nav-tokens').click();
  await page.getByTestId('create-token-name').fill('short-lived');
  await page.getByTestId('create-token-submit').click();
  const token = (await page.getByTestId('new-token-value').innerText()).trim();

  const row = page.getByTestId('token-row-short-lived');
  await row.getByTestId('token-revoke').click();
  await row.getByTestId('token-revoke-confirm').click();
  await row.getByTestId('token-status').filter({ hasText: 'revoked' }).waitFor();

  const answer = await monitor.graphql(VIEWER, {}, token);
  assert.equal(answer.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
});

test('a token name the server refuses shows the error next to the name', async () => {
  const page = await monitor.newPage();
  await signIn(page, 'admin', monitor.adminPassword);
  await page.getByTestId('nav-tokens').click();
  await page.getByTestId('create-token-submit').click();

  await page.getByTestId('create-token-name-error').waitFor();
  await page.getByTestId('new-token').waitFor({ state: 'detached' });
});
