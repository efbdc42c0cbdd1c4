// The overview, the landing page: a real engine's containers counted per server and kept
// live, servers up and down, failed operations arriving live, stacks with their last
// run, monitor's health; each number opens the list it counts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IMAGE, useDockerd } from './dockerd.mjs';
import { addServer, screenshot, signIn, useMonitor } from './helpers.mjs';

const monitor = useMonitor();
const dockerd = useDockerd();
// Stops at once on SIGTERM (a shell as PID 1 ignores it otherwise).
const SERVE = ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.1; done'];
const RUN_COMMAND = 'mutation($input: RunCommandInput!) { runCommand(input: $input) { id } }';
const CREATE_STACK = 'mutation($input: CreateStackInput!) { createStack(input: $input) { id } }';

/** `row`'s count `name` once it shows `value`. */
const count = (row, name, value) => row.locator(`[data-testid="count-${name}"][data-value="${value}"]`);

test('the overview counts a real engine\'s containers, updates live when one stops, and each number opens its list', async () => {
  const engine = await addServer(monitor, 'engine', dockerd.host);
  await addServer(monitor, 'gone', 'unix:///nonexistent/docker.sock');
  await dockerd.run('--name', 'up-1', IMAGE, ...SERVE);
  await dockerd.run('--name', 'up-2', IMAGE, ...SERVE);
  await dockerd.run('--name', 'sick', '--health-cmd', 'false', '--health-interval', '1s', '--health-retries', '1', IMAGE, ...SERVE);
  await dockerd.docker('run', '--network', 'host', '--name', 'done', IMAGE, 'true');
  const token = await monitor.tokenFor('admin', monitor.adminPassword);
  await monitor.data(RUN_COMMAND, { input: { serverId: engine, command: 'echo failing-before; exit 3' } }, token);
  await monitor.data(CREATE_STACK, { input: { name: 'web', serverId: engine } }, token);

  const page = await monitor.newPage();
  await signIn(page, 'admin', monitor.adminPassword);
  assert.equal(new URL(page.url()).pathname, '/overview');

  const row = page.getByTestId('overview-server-engine');
  await count(row, 'running', 2).waitFor();
  await count(row, 'unhealthy', 1).waitFor();
  await count(row, 'stopped', 1).waitFor();
  await page.locator('[data-testid="overview-servers-up"][data-value="1"]').waitFor();
  await page.locator('[data-testid="overview-servers-down"][data-value="1"]').waitFor();
  await page.getByTestId('overview-failure').filter({ hasText: 'failing-before' }).waitFor();
  await page.getByTestId('overview-stack-web').getByTestId('overview-stack-last-run').filter({ hasText: 'never run' }).waitFor();
  assert.match(await page.getByTestId('overview-health-status').innerText(), /^(UP|DEGRADED|DOWN)$/);
  await screenshot(page, 'overview');

  // Live, with no reload: a container stops, a command fails.
  await dockerd.docker('stop', 'up-1');
  await count(row, 'running', 1).waitFor();
  await count(row, 'stopped', 2).waitFor();
  await monitor.data(RUN_COMMAND, { input: { serverId: engine, command: 'echo failing-after; exit 4' } }, token);
  await page.getByTestId('overview-failure').filter({ hasText: 'failing-after' }).waitFor();
  await page.locator('[data-testid="overview-failed-count"][data-value="2"]').waitFor();

  const running = row.getByTestId('count-running');
  assert.equal(await running.getAttribute('href'), `/containers?server=${engine}&status=RUNNING`);
  await running.click();
  await page.locator('[data-testid="container-row-up-2"][data-status="RUNNING"]').waitFor();
  const statuses = await page.locator('[data-testid^="container-row-"]').evaluateAll((rows) => rows.map((r) => r.dataset.status));
  assert.deepEqual(statuses, ['RUNNING']);
  assert.equal(await page.getByTestId('filter-status-RUNNING').getAttribute('aria-pressed'), 'true');

  await page.goBack();
  await page.getByTestId('overview-failed-count').click();
  await page.getByTestId('operation-row').filter({ hasText: 'failing-after' }).waitFor();
  const shown = await page.getByTestId('operation-row').evaluateAll((rows) => rows.map((r) => r.dataset.status));
  assert.deepEqual(shown, ['FAILED', 'FAILED']);
});

test("every stack's last run comes with the stacks, even when newer runs of other things push it out of the feed", async () => {
  const engine = await addServer(monitor, 'engine-2', dockerd.host);
  const token = await monitor.tokenFor('admin', monitor.adminPassword);
  const { createStack: stack } = await monitor.data(
    CREATE_STACK,
    { input: { name: 'older', serverId: engine, deploy: { image: IMAGE, network: 'host', command: SERVE } } },
    token,
  );
  const { deployStack: deploy } = await monitor.data('mutation($id: ID!) { deployStack(stackId: $id) { id } }', { id: stack.id }, token);
  // More runs than the overview's feed lists on its first page (50), all newer.
  for (let i = 0; i < 51; i += 1) {
    await monitor.data(RUN_COMMAND, { input: { serverId: engine, command: 'true' } }, token);
  }

  const page = await monitor.newPage();
  const asked = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/graphql') && request.method() === 'POST') asked.push(request.postData() ?? '');
  });
  await signIn(page, 'admin', monitor.adminPassword);
  const last = page.getByTestId('overview-stack-older').getByTestId('overview-stack-last-run');
  await last.locator('a', { hasText: 'DEPLOY' }).waitFor();
  assert.equal(await last.locator('a').getAttribute('href'), `/operations/view?id=${deploy.id}`);
  // One stacks query brought it: no query per stack for its runs.
  assert.deepEqual(asked.filter((body) => body.includes('"stackId"')), []);
});
