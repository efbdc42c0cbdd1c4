// The audit log: what happened is listed, filtered, sorted, paged, and arrives live.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { addServer, screenshot, signIn, useMonitor } from './helpers.mjs';

const monitor = useMonitor();
const CREATE_USER = 'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }';
const UPDATE_USER = 'mutation($input: UpdateUserInput!) { updateUser(input: $input) { id } }';
const CREATE_TOKEN = 'mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }';

/** The kinds of the rows shown, top to bottom. */
const rowKinds = (page) =>
  page.getByTestId('audit-row').evaluateAll((rows) => rows.map((row) => row.dataset.kind));

/** Waits until `predicate(kinds)` holds for the rows shown (it is evaluated in the page). */
const waitForRows = (page, predicate) =>
  page.waitForFunction(
    `(${predicate})([...document.querySelectorAll('[data-testid="audit-row"]')].map((row) => row.dataset.kind))`,
  );

async function openAudit() {
  const page = await monitor.newPage();
  await signIn(page, 'admin', monitor.adminPassword);
  await page.goto('/audit');
  await page.getByTestId('audit-row').first().waitFor();
  return page;
}

test('the audit log lists the admin signing in', async () => {
  const page = await openAudit();
  const row = page.locator('[data-testid="audit-row"][data-kind="LOGIN_SUCCEEDED"]').first();
  await row.waitFor();
  assert.match(await row.innerText(), /admin/);
});

test('a user created on the Users page appears live in an audit log already open', async () => {
  const audit = await openAudit();
  await audit.evaluate(() => {
    window.notReloaded = true;
  });

  const users = await monitor.newPage(audit.context());
  await users.goto('/admin/users');
  await users.getByTestId('create-user-username').fill('live-alice');
  await users.getByTestId('create-user-password').fill('alice password 1');
  await users.getByTestId('create-user-submit').click();
  await users.getByTestId('user-row-live-alice').waitFor();

  const row = audit.locator('[data-testid="audit-row"][data-kind="USER_CREATED"]', { hasText: 'live-alice' });
  await row.waitFor();
  assert.equal(await audit.evaluate(() => window.notReloaded), true);
  assert.equal((await rowKinds(audit))[0], 'USER_CREATED');
  assert.match(await row.getAttribute('class'), /fresh/);
});

test('filtering by kind, actor and time changes the rows', async () => {
  const page = await openAudit();

  await page.getByTestId('filter-kind-LOGIN_SUCCEEDED').click();
  await waitForRows(page, (kinds) => kinds.length > 0 && kinds.every((k) => k === 'LOGIN_SUCCEEDED'));

  await page.getByTestId('filter-actor').fill('nobody-by-that-name');
  await page.getByTestId('filter-actor').press('Enter');
  await waitForRows(page, (kinds) => kinds.length === 0);

  await page.getByTestId('filter-clear').click();
  await waitForRows(page, (kinds) => kinds.length > 0);

  await page.getByTestId('filter-from').fill('2099-01-01T00:00');
  await waitForRows(page, (kinds) => kinds.length === 0);
});

test('sorting by kind groups the rows, and a second click reverses the order', async () => {
  const token = await monitor.tokenFor('admin', monitor.adminPassword);
  await monitor.data(CREATE_USER, { input: { username: 'sort-sam', password: 'sam password 1', role: 'VIEWER' } }, token);
  await monitor.data(CREATE_TOKEN, { input: { name: 'sort-token' } }, token);
  const page = await openAudit();

  const grouped = (kinds) => kinds.length >= 3 && kinds.every((k, i) => i === 0 || k === kinds[i - 1] || !kinds.slice(0, i).includes(k));
  await page.getByTestId('sort-KIND').click();
  await page.locator('[data-testid="sort-KIND"][aria-sort="descending"]').waitFor();
  await waitForRows(page, grouped);
  const first = await rowKinds(page);

  await page.getByTestId('sort-KIND').click();
  await page.locator('[data-testid="sort-KIND"][aria-sort="ascending"]').waitFor();
  const reversed = [...new Set(first)].reverse();
  await page.waitForFunction(
    (expected) => {
      const kinds = [...document.querySelectorAll('[data-testid="audit-row"]')].map((row) => row.dataset.kind);
      return JSON.stringify([...new Set(kinds)]) === JSON.stringify(expected);
    },
    reversed,
  );
});

test('clicking a row shows its before and after', async () => {
  const token = await monitor.tokenFor('admin', monitor.adminPassword);
  const { createUser } = await monitor.data(
    CREATE_USER,
    { input: { username: 'diff-dan', password: 'dan password 1', role: 'VIEWER' } },
    token,
  );
  await monitor.data(UPDATE_USER, { input: { id: createUser.id, role: 'OPERATOR' } }, token);
  const page = await openAudit();

  await page.locator('[data-testid="audit-row"][data-kind="USER_UPDATED"]').first().click();
  const detail = page.getByTestId('audit-detail');
  assert.match(await detail.getByTestId('diff-before').innerText(), /VIEWER/);
  assert.match(await detail.getByTestId('diff-after').innerText(), /OPERATOR/);
  await screenshot(page, 'audit');
});

test('"load more" brings the next page after the first 50 events', async () => {
  const token = await monitor.tokenFor('admin', monitor.adminPassword);
  for (let i = 0; i < 55; i++) await monitor.data(CREATE_TOKEN, { input: { name: `bulk-${i}` } }, token);
  const page = await openAudit();
  await waitForRows(page, (kinds) => kinds.length === 50);

  await page.getByTestId('audit-load-more').click();
  await waitForRows(page, (kinds) => kinds.length > 50);
  const ids = await page.getByTestId('audit-row').evaluateAll((rows) => rows.map((row) => row.dataset.id));
  assert.equal(new Set(ids).size, ids.length, 'an event is listed twice');
});

test('the kind filter offers every kind schema.graphql has, in its order', async () => {
  const schema = await readFile(resolve(import.meta.dirname, '../../schema.graphql'), 'utf8');
  const kinds = schema
    .match(/^enum AuditKind \{([^}]*)\}/m)[1]
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^[A-Z_]+$/.test(line));
  const page = await openAudit();

  const offered = await page
    .locator('[data-testid^="filter-kind-"]')
    .evaluateAll((chips) => chips.map((chip) => chip.dataset.testid.slice('filter-kind-'.length)));
  assert.deepEqual(offered, kinds);
});

test('a server is named in the audit log, still after it is removed; there is no App column, and the table fits a 1280 px window', async () => {
  const serverId = await addServer(monitor, 'audited-server', 'unix:///nonexistent/docker.sock');
  const token = await monitor.tokenFor('admin', monitor.adminPassword);
  await monitor.data('mutation($input: DeleteServerInput!) { deleteServer(input: $input) { id } }', { input: { id: serverId } }, token);
  const page = await openAudit();

  // Named as it was when the events were recorded: the server is gone.
  for (const kind of ['SERVER_CREATED', 'SERVER_DELETED']) {
    const row = page.locator(`[data-testid="audit-row"][data-kind="${kind}"]`).first();
    await row.getByTestId('audit-server').filter({ hasText: /^audited-server$/ }).waitFor();
  }
  const headers = await page.getByTestId('audit-table').locator('th').allInnerTexts();
  assert.ok(!headers.some((header) => /\bApp\b/.test(header)), headers.join());
  const table = await page.getByTestId('audit-table').evaluate((el) => ({
    right: el.getBoundingClientRect().right,
    width: el.scrollWidth,
    shown: el.clientWidth,
  }));
  assert.ok(table.right <= 1280 && table.width <= table.shown, JSON.stringify(table));
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
});
