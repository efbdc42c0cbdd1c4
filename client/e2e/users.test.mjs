// Users (ADMIN): create with inline validation, edit, delete; what a non-admin sees.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, signIn, useMonitor } from './helpers.mjs';

const monitor = useMonitor();
const USERNAMES = '{ users(first: 100) { nodes { username role } } }';

async function usernames() {
  const token = await monitor.tokenFor('admin', monitor.adminPassword);
  const data = await monitor.data(USERNAMES, {}, token);
  return data.users.nodes.map((u) => u.username);
}

async function openUsers() {
  const page = await monitor.newPage();
  await signIn(page, 'admin', monitor.adminPassword);
  await page.getByTestId('nav-users').click();
  await page.getByTestId('user-row-admin').waitFor();
  return page;
}

test('bad input shows the error next to its field and creates nothing', async () => {
  const page = await openUsers();

  await page.getByTestId('create-user-password').fill('long enough password');
  await page.getByTestId('create-user-submit').click();
  assert.match(await page.getByTestId('create-user-username-error').innerText(), /username/i);

  await page.getByTestId('create-user-username').fill('bob');
  await page.getByTestId('create-user-password').fill('short');
  await page.getByTestId('create-user-submit').click();
  assert.match(await page.getByTestId('create-user-password-error').innerText(), /password/i);
  await page.getByTestId('create-user-username-error').waitFor({ state: 'detached' });
  await screenshot(page, 'users-invalid');

  assert.equal(await page.getByTestId('user-row-bob').count(), 0);
  assert.deepEqual(await usernames(), ['admin']);
});

test('an admin creates a user, changes its role, and deletes it after confirming', async () => {
  const page = await openUsers();

  await page.getByTestId('create-user-username').fill('carol');
  await page.getByTestId('create-user-password').fill('carol password 1');
  await page.getByTestId('create-user-role').selectOption('VIEWER');
  await page.getByTestId('create-user-submit').click();
  const row = page.getByTestId('user-row-carol');
  await row.waitFor();
  assert.equal(await row.getByTestId('user-role').innerText(), 'VIEWER');
  await screenshot(page, 'users');

  await row.getByTestId('user-edit').click();
  await row.getByTestId('edit-user-role').selectOption('OPERATOR');
  await row.getByTestId('edit-user-save').click();
  await row.getByTestId('user-role').filter({ hasText: 'OPERATOR' }).waitFor();

  await row.getByTestId('user-delete').click();
  await row.getByTestId('user-delete-confirm').click();
  await row.waitFor({ state: 'detached' });
  assert.ok(!(await usernames()).includes('carol'));
});

test('a new password set by the admin lets the user sign in, and a viewer sees no admin pages', async () => {
  const page = await openUsers();
  await page.getByTestId('create-user-username').fill('dave');
  await page.getByTestId('create-user-password').fill('first password');
  await page.getByTestId('create-user-submit').click();
  const row = page.getByTestId('user-row-dave');
  await row.waitFor();
  await row.getByTestId('user-edit').click();
  await row.getByTestId('edit-user-password').fill('second password');
  await row.getByTestId('edit-user-save').click();
  await row.getByTestId('edit-user-form').waitFor({ state: 'detached' });

  const dave = await monitor.newPage();
  await signIn(dave, 'dave', 'second password');
  assert.match(await dave.getByTestId('viewer').innerText(), /dave\s+VIEWER/);
  assert.equal(await dave.getByTestId('nav-users').count(), 0);
  assert.equal(await dave.getByTestId('nav-backup').count(), 0);
  await dave.getByTestId('nav-audit').waitFor();
});
