// Servers: an admin adds a Docker engine and sees its live state; bad input is refused at
// its field; edit, delete; an engine that cannot be reached says why.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useDockerd } from './dockerd.mjs';
import { addServer, screenshot, signIn, useMonitor } from './helpers.mjs';

const monitor = useMonitor();
const dockerd = useDockerd();
const SERVER_NAMES = '{ servers(first: 100) { nodes { name } } }';

async function serverNames() {
  const token = await monitor.tokenFor('admin', monitor.adminPassword);
  const data = await monitor.data(SERVER_NAMES, {}, token);
  return data.servers.nodes.map((s) => s.name);
}

async function openServers() {
  const page = await monitor.newPage();
  await signIn(page, 'admin', monitor.adminPassword);
  await page.getByTestId('nav-servers').click();
  await page.getByTestId('servers-table').waitFor();
  return page;
}

test('an admin adds a server and sees it reachable, with its Docker version', async () => {
  const page = await openServers();

  await page.getByTestId('create-server-name').fill('engine-1');
  await page.getByTestId('create-server-endpoint').fill(dockerd.host);
  assert.match(await page.getByTestId('create-server-endpoint-hint').innerText(), /socket/i);
  await page.getByTestId('create-server-tags').fill('e2e, local');
  await page.getByTestId('create-server-submit').click();

  const row = page.locator('[data-testid="server-row-engine-1"][data-reachability="REACHABLE"]');
  await row.waitFor();
  assert.match(await row.getByTestId('server-docker-version').innerText(), /^\d+\.\d+/);
  assert.equal(await row.getByTestId('server-reachability').innerText(), 'REACHABLE');
  assert.match(await row.getByTestId('server-containers').innerText(), /^\d+\/\d+$/);
  assert.match(await row.getByTestId('server-tags').innerText(), /e2e\s*local/);
  await screenshot(page, 'servers');
});

test('a bad endpoint shows its error at the endpoint field and adds nothing', async () => {
  const page = await openServers();

  await page.getByTestId('create-server-name').fill('bad-endpoint');
  await page.getByTestId('create-server-endpoint').fill('/var/run/docker.sock');
  assert.match(await page.getByTestId('create-server-endpoint-hint').innerText(), /unix:\/\//);
  await page.getByTestId('create-server-submit').click();
  assert.match(await page.getByTestId('create-server-endpoint-error').innerText(), /scheme/);
  assert.equal(await page.getByTestId('create-server-name-error').count(), 0);

  // An agent needs its token: the error moves to the token field.
  await page.getByTestId('create-server-endpoint').fill('agent+http://127.0.0.1:7070');
  await page.getByTestId('create-server-submit').click();
  assert.match(await page.getByTestId('create-server-agent-token-error').innerText(), /token/);
  await page.getByTestId('create-server-endpoint-error').waitFor({ state: 'detached' });
  await screenshot(page, 'servers-invalid');

  assert.equal(await page.getByTestId('server-row-bad-endpoint').count(), 0);
  assert.ok(!(await serverNames()).includes('bad-endpoint'));
});

test('an admin changes a server\'s tags, then deletes it after confirming', async () => {
  await addServer(monitor, 'edit-me', dockerd.host);
  const page = await openServers();
  const row = page.getByTestId('server-row-edit-me');

  await row.getByTestId('server-edit').click();
  await row.getByTestId('edit-server-tags').fill('blue, green');
  await row.getByTestId('edit-server-save').click();
  await row.getByTestId('edit-server-form').waitFor({ state: 'detached' });
  await row.getByTestId('server-tags').filter({ hasText: 'green' }).waitFor();

  await row.getByTestId('server-delete').click();
  await row.getByTestId('server-delete-confirm').click();
  await row.waitFor({ state: 'detached' });
  assert.ok(!(await serverNames()).includes('edit-me'));
});

test('an engine that cannot be reached shows UNREACHABLE and why', async () => {
  await addServer(monitor, 'ghost', 'unix:///nonexistent/docker.sock');
  const page = await openServers();

  const row = page.locator('[data-testid="server-row-ghost"][data-reachability="UNREACHABLE"]');
  await row.waitFor();
  assert.ok((await row.getByTestId('server-last-error').innerText()).length > 0);
});

test('a viewer sees the servers but cannot add, edit or delete them', async () => {
  const token = await monitor.tokenFor('admin', monitor.adminPassword);
  await monitor.data(
    'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }',
    { input: { username: 'vera', password: 'vera password 1', role: 'VIEWER' } },
    token,
  );
  await addServer(monitor, 'seen-by-vera', dockerd.host);
  const page = await monitor.newPage();
  await signIn(page, 'vera', 'vera password 1');
  await page.getByTestId('nav-servers').click();

  const row = page.getByTestId('server-row-seen-by-vera');
  await row.waitFor();
  assert.equal(await page.getByTestId('create-server-form').count(), 0);
  assert.equal(await row.getByTestId('server-edit').count(), 0);
  assert.equal(await row.getByTestId('server-delete').count(), 0);
  assert.equal(await page.getByTestId('nav-commands').count(), 0);
});
