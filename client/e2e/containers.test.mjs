// Containers: run one from the form, stop, start and remove it, a stop that waits for the
// kill saying so, see changes made outside monitor arrive live, an unhealthy container
// marked as such, filters, bad input at its field, and an unreachable server as a warning
// beside the others' containers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IMAGE, useDockerd } from './dockerd.mjs';
import { addServer, screenshot, signIn, useMonitor } from './helpers.mjs';

const monitor = useMonitor();
const dockerd = useDockerd();
// Stops at once on SIGTERM (a shell as PID 1 ignores it otherwise).
const SERVE = ['sh', '-c', 'echo ready; trap "exit 0" TERM; while true; do sleep 0.1; done'];
const SERVE_LINE = `sh -c 'echo ready; trap "exit 0" TERM; while true; do sleep 0.1; done'`;

// Added by the first test that needs it: root-level before() hooks run side by side,
// so one cannot rely on the engine another starts.
let engine;
const addEngine = () => (engine ??= addServer(monitor, 'engine', dockerd.host));

async function openContainers() {
  await addEngine();
  const page = await monitor.newPage();
  await signIn(page, 'admin', monitor.adminPassword);
  await page.getByTestId('nav-containers').click();
  await page.getByTestId('containers-table').waitFor();
  return page;
}

/** The row of container `name` once its status is `status`. */
const rowWithStatus = (page, name, status) =>
  page.locator(`[data-testid="container-row-${name}"][data-status="${status}"]`);

async function fillRunForm(page, { name, image = IMAGE, command = SERVE_LINE }) {
  if (await page.getByTestId('run-container-open').count()) await page.getByTestId('run-container-open').click();
  await page.getByTestId('run-container-server').selectOption({ label: 'engine' });
  await page.getByTestId('run-container-image').fill(image);
  await page.getByTestId('run-container-name').fill(name);
  await page.getByTestId('run-container-command').fill(command);
  await page.getByTestId('run-container-network').fill('host');
}

test('running a container from the form lists it as RUNNING; stop, start and remove act on it', async () => {
  const page = await openContainers();
  await fillRunForm(page, { name: 'web-1' });
  await page.getByTestId('run-container-submit').click();
  await page.getByTestId('run-container-done').filter({ hasText: 'web-1' }).waitFor();

  const running = rowWithStatus(page, 'web-1', 'RUNNING');
  await running.waitFor();
  assert.equal(await running.getByTestId('container-status').innerText(), 'RUNNING');
  await screenshot(page, 'containers');

  await running.getByTestId('container-stop').click();
  const exited = rowWithStatus(page, 'web-1', 'EXITED');
  await exited.waitFor();
  assert.equal(await exited.getByTestId('container-status').innerText(), 'EXITED');
  assert.match(await exited.getByTestId('container-status-text').innerText(), /Exited \(0\)/);

  await exited.getByTestId('container-start').click();
  await rowWithStatus(page, 'web-1', 'RUNNING').waitFor();

  const row = page.getByTestId('container-row-web-1');
  await row.getByTestId('container-remove').click();
  await row.getByTestId('container-remove-confirm').click();
  await row.waitFor({ state: 'detached' });
  const [ok] = await Promise.allSettled([dockerd.docker('inspect', 'web-1')]);
  assert.equal(ok.status, 'rejected', 'the container still exists');
});

test('stopping a container that ignores SIGTERM says what it waits for, and how long, until the kill', async () => {
  const page = await openContainers();
  // A shell as PID 1 with no trap ignores SIGTERM: only the SIGKILL after the grace ends it.
  await fillRunForm(page, { name: 'stubborn', command: `sh -c 'echo ready; while true; do sleep 0.1; done'` });
  await page.getByTestId('run-container-submit').click();
  const running = rowWithStatus(page, 'stubborn', 'RUNNING');
  await running.waitFor();

  await running.getByTestId('container-stop').click();
  const waiting = running.getByTestId('container-waiting');
  assert.match(await waiting.innerText(), /^stopping stubborn: up to 10 s before SIGKILL \(.* so far\)$/);
  await screenshot(page, 'containers-stopping');
  const killed = rowWithStatus(page, 'stubborn', 'EXITED');
  await killed.waitFor({ timeout: 30_000 });
  assert.match(await killed.getByTestId('container-status-text').innerText(), /Exited \(137\)/);
  assert.equal(await page.getByTestId('container-waiting').count(), 0);
});

test('a container started and stopped outside monitor shows up live, without a reload', async () => {
  const page = await openContainers();
  await page.evaluate(() => {
    window.notReloaded = true;
  });

  await dockerd.run('--name', 'outside', IMAGE, ...SERVE);
  await rowWithStatus(page, 'outside', 'RUNNING').waitFor();
  await dockerd.docker('stop', 'outside');
  await rowWithStatus(page, 'outside', 'EXITED').waitFor();
  assert.equal(await page.evaluate(() => window.notReloaded), true);
});

test('a container failing its health check shows UNHEALTHY, not RUNNING', async () => {
  await dockerd.run(
    '--name', 'sick',
    '--health-cmd', 'false', '--health-interval', '1s', '--health-retries', '1',
    IMAGE, ...SERVE,
  );
  const page = await openContainers();

  const row = rowWithStatus(page, 'sick', 'UNHEALTHY');
  await row.waitFor();
  assert.equal(await row.getByTestId('container-status').innerText(), 'UNHEALTHY');
  const colour = (locator) => locator.evaluate((el) => getComputedStyle(el).backgroundColor);
  const healthy = await dockerd.run('--name', 'fine', IMAGE, ...SERVE);
  assert.ok(healthy);
  const fine = rowWithStatus(page, 'fine', 'RUNNING');
  await fine.waitFor();
  assert.notEqual(await colour(row.getByTestId('container-status')), await colour(fine.getByTestId('container-status')));
});

test('filters narrow the list by status and by name', async () => {
  await dockerd.run('--name', 'filter-up', IMAGE, ...SERVE);
  await dockerd.docker('run', '--network', 'host', '--name', 'filter-done', IMAGE, 'true');
  const page = await openContainers();
  await rowWithStatus(page, 'filter-up', 'RUNNING').waitFor();
  await rowWithStatus(page, 'filter-done', 'EXITED').waitFor();

  await page.getByTestId('filter-status-EXITED').click();
  await page.getByTestId('container-row-filter-up').waitFor({ state: 'detached' });
  const statuses = await page.locator('[data-testid^="container-row-"]').evaluateAll((rows) => rows.map((r) => r.dataset.status));
  assert.ok(statuses.length > 0 && statuses.every((s) => s === 'EXITED'), statuses.join());

  await page.getByTestId('filter-status-EXITED').click();
  await page.getByTestId('filter-name').fill('filter-u');
  await page.getByTestId('filter-name').press('Enter');
  await page.getByTestId('container-row-filter-done').waitFor({ state: 'detached' });
  await page.getByTestId('container-row-filter-up').waitFor();
  assert.equal(await page.locator('[data-testid^="container-row-"]').count(), 1);
});

test('bad input to "run container" shows the error at its field and runs nothing', async () => {
  const page = await openContainers();
  await fillRunForm(page, { name: 'bad-image', image: 'Not An Image' });
  await page.getByTestId('run-container-submit').click();
  assert.match(await page.getByTestId('run-container-image-error').innerText(), /image reference/);

  await page.getByTestId('run-container-image').fill(IMAGE);
  await page.getByTestId('run-container-ports').fill('http');
  await page.getByTestId('run-container-submit').click();
  assert.match(await page.getByTestId('run-container-ports-error').innerText(), /containerPort/);
  await page.getByTestId('run-container-image-error').waitFor({ state: 'detached' });

  await page.getByTestId('run-container-ports').fill('');
  await page.getByTestId('run-container-command').fill(`sh -c 'echo unclosed`);
  await page.getByTestId('run-container-submit').click();
  assert.match(await page.getByTestId('run-container-command-error').innerText(), /quote/);

  assert.equal(await page.getByTestId('container-row-bad-image').count(), 0);
  const [inspect] = await Promise.allSettled([dockerd.docker('inspect', 'bad-image')]);
  assert.equal(inspect.status, 'rejected');
});

test('after every status chip and server change the list stays live: new containers arrive, no "stopped" note', async () => {
  const page = await openContainers();
  // Each change leaves one containerEvents feed and opens another.
  for (const status of ['CREATED', 'RUNNING', 'UNHEALTHY', 'PAUSED', 'RESTARTING', 'REMOVING', 'EXITED', 'DEAD']) {
    await page.getByTestId(`filter-status-${status}`).click();
    await page.getByTestId(`filter-status-${status}`).click();
  }
  await page.getByTestId('filter-server').selectOption({ label: 'engine' });
  await page.getByTestId('filter-server').selectOption({ label: 'All servers' });
  await page.getByTestId('filter-status-RUNNING').click();

  await dockerd.run('--name', 'after-filters', IMAGE, ...SERVE);
  await rowWithStatus(page, 'after-filters', 'RUNNING').waitFor();
  await page.getByTestId('containers-live').waitFor();
  assert.equal(await page.locator('[data-testid^="live-stopped-"]').count(), 0);
});

test('a server that cannot be reached is a warning; the other servers\' containers still show', async () => {
  await dockerd.run('--name', 'still-listed', IMAGE, ...SERVE);
  await addServer(monitor, 'gone', 'unix:///nonexistent/docker.sock');
  const page = await openContainers();

  await page.getByTestId('server-warning-gone').waitFor();
  await rowWithStatus(page, 'still-listed', 'RUNNING').waitFor();
  assert.equal(await page.getByTestId('error').count(), 0);
  await screenshot(page, 'containers-warning');
});
