// Signing in and out: a wrong password, the admin's sign-in, logout, and deep links.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, signIn, useMonitor } from './helpers.mjs';

const monitor = useMonitor();

test('a wrong password shows an error and stays on the login page', async () => {
  const page = await monitor.newPage();
  await page.goto('/');
  await page.getByTestId('login-username').fill('admin');
  await page.getByTestId('login-password').fill('not the password');
  await page.getByTestId('login-submit').click();

  await page.getByTestId('login-error').waitFor();
  assert.match(new URL(page.url()).pathname, /^\/login$/);
  await screenshot(page, 'login-error');
});

test('the admin signs in onto the overview and logging out returns to the login page', async () => {
  const page = await monitor.newPage();
  await page.goto('/');
  await page.getByTestId('login-form').waitFor();
  await screenshot(page, 'login');

  await signIn(page, 'admin', monitor.adminPassword);
  assert.equal(new URL(page.url()).pathname, '/overview');
  assert.match(await page.getByTestId('viewer').innerText(), /admin\s+ADMIN/);

  await page.getByTestId('logout').click();
  await page.getByTestId('login-form').waitFor();
  await page.reload();
  await page.getByTestId('login-form').waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('monitor.token')), null);
});

test('a page opened while signed out is shown after signing in', async () => {
  const page = await monitor.newPage();
  await page.goto('/tokens');
  await page.getByTestId('login-form').waitFor();

  await page.getByTestId('login-username').fill('admin');
  await page.getByTestId('login-password').fill(monitor.adminPassword);
  await page.getByTestId('login-submit').click();

  await page.getByTestId('tokens-table').waitFor();
  assert.equal(new URL(page.url()).pathname, '/tokens');
});

test('an unknown path inside the app shows a not-found message, not a server error', async () => {
  const page = await monitor.newPage();
  await signIn(page, 'admin', monitor.adminPassword);
  await page.goto('/no/such/page');
  await page.getByTestId('not-found').waitFor();
});

test('a revoked or unknown session token sends the user back to the login page', async () => {
  const page = await monitor.newPage();
  await page.goto('/login');
  await page.evaluate(() => localStorage.setItem('monitor.token', 'not-a-real-token'));
  await page.goto('/health');
  await page.getByTestId('login-form').waitFor();
});

test('a user signed out elsewhere while a live page is open is sent back to the login page', async () => {
  const admin = await monitor.tokenFor('admin', monitor.adminPassword);
  const created = await monitor.data(
    'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }',
    { input: { username: 'frank', password: 'franks password', role: 'VIEWER' } },
    admin,
  );
  const page = await monitor.newPage();
  await signIn(page, 'frank', 'franks password');
  await page.getByTestId('nav-audit').click();
  await page.getByTestId('audit-live').waitFor();

  // A new password ends frank's sessions; the open socket closes with 4401 at once.
  await monitor.data(
    'mutation($input: UpdateUserInput!) { updateUser(input: $input) { id } }',
    { input: { id: created.createUser.id, password: 'a new password' } },
    admin,
  );

  await page.getByTestId('login-form').waitFor({ timeout: 10_000 });
});
