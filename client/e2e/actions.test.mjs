// Only actions that can work are offered, on a monitor with no registry configured: a
// stack offers Build and its scripts once its repo is checked out, says why there is no
// Push and no Rollback, and shows a webhook only when it has a repo; a command runs for
// its server's engine (DOCKER_HOST), and one for an unreachable server is refused with
// the reason instead of running on the monitor host.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { IMAGE, useDockerd } from './dockerd.mjs';
import { createRepo } from './gitrepo.mjs';
import { addServer, screenshot, signIn, useMonitor } from './helpers.mjs';

const monitor = useMonitor();
const dockerd = useDockerd();

// Added by the first test that needs it: root-level before() hooks run side by side.
let engine;
const addEngine = () => (engine ??= addServer(monitor, 'local', dockerd.host));

const CREATE_STACK = 'mutation($input: CreateStackInput!) { createStack(input: $input) { id } }';

async function createStack(input) {
  const serverId = await addEngine();
  const token = await monitor.tokenFor('admin', monitor.adminPassword);
  const data = await monitor.data(CREATE_STACK, { input: { serverId, ...input } }, token);
  return data.createStack.id;
}

async function signedIn() {
  await addEngine();
  const page = await monitor.newPage();
  await signIn(page, 'admin', monitor.adminPassword);
  return page;
}

const buttons = (page) => page.getByTestId('stack-actions').locator('button').allInnerTexts();

test('a stack offers Build and its scripts only once cloned, and says why Push and Rollback are missing', async (t) => {
  const { url, head, remove } = await createRepo({ Dockerfile: `FROM ${IMAGE}\n` });
  t.after(remove);
  const id = await createStack({
    name: 'unbuilt',
    repo: { url, scripts: [{ name: 'greet', command: 'echo hello' }] },
    build: { networkMode: 'none' },
    deploy: { network: 'host' },
  });
  const page = await signedIn();
  await page.goto(`/stacks/${id}`);

  await page.getByTestId('stack-summary').waitFor();
  assert.deepEqual(await buttons(page), ['Clone']);
  assert.equal(await page.getByTestId('stack-script').count(), 0);
  assert.match(await page.getByTestId('stack-no-registry').innerText(), /No registry: registry.url is not set.*nothing to push.*roll back/s);
  await page.getByTestId('stack-webhook').waitFor();

  await page.getByTestId('stack-action-CLONE').click();
  await page.getByTestId('stack-commit').filter({ hasText: head.slice(0, 12) }).waitFor();
  await page.getByTestId('stack-action-BUILD').waitFor();
  assert.deepEqual(await buttons(page), ['Clone', 'Pull', 'Run script', 'Build']);
  await screenshot(page, 'stack-without-registry');
});

test('a stack with no repo shows no webhook and no registry images', async () => {
  const id = await createStack({ name: 'prebuilt', deploy: { image: IMAGE, network: 'host' } });
  const page = await signedIn();
  await page.goto(`/stacks/${id}`);

  await page.getByTestId('stack-history').waitFor();
  assert.deepEqual(await buttons(page), ['Deploy']);
  assert.equal(await page.getByTestId('stack-webhook').count(), 0);
  assert.equal(await page.getByTestId('stack-images').count(), 0);
});

test("a command runs for its server's engine, and one for an unreachable server is refused with the reason", async (t) => {
  const page = await signedIn();
  await page.getByTestId('nav-commands').click();
  await page.getByTestId('run-command-server').selectOption({ label: 'local' });
  await page.getByTestId('run-command-command').fill('echo "engine $DOCKER_HOST"');
  await page.getByTestId('run-command-submit').click();
  const detail = page.getByTestId('operation-detail');
  await detail.getByTestId('operation-status').filter({ hasText: 'SUCCEEDED' }).waitFor();
  await detail.getByTestId('log-line').first().waitFor();
  assert.deepEqual(await detail.locator('.log-text').allInnerTexts(), [`engine ${dockerd.host}`]);

  const dir = await mkdtemp(join(tmpdir(), 'gone-engine-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await addServer(monitor, 'gone', `unix://${join(dir, 'docker.sock')}`);
  await page.getByTestId('nav-servers').click();
  await page.locator('[data-testid="server-row-gone"][data-reachability="UNREACHABLE"]').waitFor();

  const marker = join(dir, 'ran');
  await page.getByTestId('nav-commands').click();
  await page.getByTestId('run-command-server').selectOption({ label: 'gone' });
  await page.getByTestId('run-command-command').fill(`touch ${marker}`);
  await page.getByTestId('run-command-submit').click();
  assert.match(await page.getByTestId('run-command-error').innerText(), /gone.*cannot reach its Docker engine/);
  assert.equal(await page.getByTestId('operation-detail').count(), 0);
  assert.ok(!existsSync(marker), 'the command did not run on the monitor host');
  await screenshot(page, 'command-unreachable');
});
