// The command runner and the operations history: a command's output arrives live with its
// exit status, a running command can be cancelled, bad input shows at its field, and the
// history filters by status and server and opens any operation's output.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useDockerd } from './dockerd.mjs';
import { addServer, screenshot, signIn, useMonitor } from './helpers.mjs';

const monitor = useMonitor();
const dockerd = useDockerd();

// Added by the first test that needs it: root-level before() hooks run side by side.
// A unix:// engine runs commands on the monitor host itself.
let servers;
const addServers = () =>
  (servers ??= Promise.all([
    addServer(monitor, 'local', dockerd.host),
    // A bare tcp:// engine offers no shell.
    addServer(monitor, 'tcp-only', 'tcp://127.0.0.1:9'),
  ]));

async function signedIn() {
  await addServers();
  const page = await monitor.newPage();
  await signIn(page, 'admin', monitor.adminPassword);
  return page;
}

async function runCommand(page, command, { server = 'local', directory } = {}) {
  await page.getByTestId('nav-commands').click();
  await page.getByTestId('run-command-server').selectOption({ label: server });
  await page.getByTestId('run-command-command').fill(command);
  if (directory) await page.getByTestId('run-command-directory').fill(directory);
  await page.getByTestId('run-command-submit').click();
}

const RUN_COMMAND = 'mutation($input: RunCommandInput!) { runCommand(input: $input) { id } }';

const outputTexts = (page) => page.locator('[data-testid="operation-output"] .log-text').allInnerTexts();

test('a command that fails shows its output, FAILED and its exit code', async () => {
  const page = await signedIn();
  await runCommand(page, 'echo hi; echo oops >&2; exit 3');

  const detail = page.getByTestId('operation-detail');
  const oops = detail.getByTestId('log-line').filter({ hasText: 'oops' });
  await oops.waitFor();
  await detail.getByTestId('operation-status').filter({ hasText: 'FAILED' }).waitFor();
  assert.match(await detail.getByTestId('operation-exit-code').innerText(), /exit 3/);
  // stdout and stderr are separate pipes: their lines may interleave either way.
  assert.deepEqual((await outputTexts(page)).sort(), ['hi', 'oops']);
  assert.equal(await oops.getAttribute('data-stream'), 'STDERR');
  assert.equal(await detail.getByTestId('operation-cancel').count(), 0);
  assert.match(new URL(page.url()).search, /^\?operation=/);
  await screenshot(page, 'commands');
});

test('output arrives while the command runs, and Cancel stops it', async () => {
  const page = await signedIn();
  await runCommand(page, 'echo started; sleep 30; echo never');

  const detail = page.getByTestId('operation-detail');
  await detail.getByTestId('log-line').filter({ hasText: 'started' }).waitFor();
  await detail.getByTestId('operation-status').filter({ hasText: 'RUNNING' }).waitFor();
  await detail.getByTestId('operation-cancel').click();
  await detail.getByTestId('operation-status').filter({ hasText: 'CANCELLED' }).waitFor();
  await detail.getByTestId('operation-cancel').waitFor({ state: 'detached' });
  assert.ok(!(await outputTexts(page)).includes('never'));
});

test('bad input shows the error at its field', async () => {
  const page = await signedIn();
  await runCommand(page, 'pwd', { directory: 'relative/dir' });
  assert.match(await page.getByTestId('run-command-directory-error').innerText(), /absolute/);

  await page.getByTestId('run-command-server').selectOption({ label: 'tcp-only' });
  await page.getByTestId('run-command-directory').fill('');
  await page.getByTestId('run-command-submit').click();
  assert.match(await page.getByTestId('run-command-server-error').innerText(), /commands need/);
  await page.getByTestId('run-command-directory-error').waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('operation-detail').count(), 0);
});

test('the history filters by status and server, and opens an operation\'s output', async () => {
  const page = await signedIn();
  await runCommand(page, 'echo history-ok');
  await page.getByTestId('operation-status').filter({ hasText: 'SUCCEEDED' }).waitFor();
  await runCommand(page, 'echo history-bad; exit 7');
  await page.getByTestId('operation-status').filter({ hasText: 'FAILED' }).waitFor();

  await page.getByTestId('nav-operations').click();
  const row = (text) => page.getByTestId('operation-row').filter({ hasText: text });
  await row('echo history-ok').waitFor();
  await row('echo history-bad').waitFor();
  assert.equal(await row('echo history-bad').getAttribute('data-status'), 'FAILED');

  await page.getByTestId('filter-status-FAILED').click();
  await row('echo history-ok').waitFor({ state: 'detached' });
  const statuses = await page.getByTestId('operation-row').evaluateAll((rows) => rows.map((r) => r.dataset.status));
  assert.ok(statuses.length > 0 && statuses.every((s) => s === 'FAILED'), statuses.join());

  await page.getByTestId('filter-server').selectOption({ label: 'tcp-only' });
  await page.getByTestId('operations-table').getByText('No operations.').waitFor();
  await page.getByTestId('filter-server').selectOption({ label: 'local' });
  await row('echo history-bad').getByTestId('operation-output-link').click();

  const detail = page.getByTestId('operation-detail');
  await detail.getByTestId('operation-status').filter({ hasText: 'FAILED' }).waitFor();
  await detail.getByTestId('log-line').filter({ hasText: 'history-bad' }).waitFor();
  assert.match(await detail.getByTestId('operation-exit-code').innerText(), /exit 7/);
  assert.match(await detail.getByTestId('operation-target').innerText(), /echo history-bad; exit 7/);
  await screenshot(page, 'operation');
});

test('after every status chip and server change the history stays live: a new command appears, no "stopped" note', async () => {
  const [local] = await addServers();
  const page = await signedIn();
  await page.getByTestId('nav-operations').click();
  await page.getByTestId('operations-table').waitFor();
  // Each change leaves one operationUpdated feed and opens another.
  for (const status of ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'INTERRUPTED']) {
    await page.getByTestId(`filter-status-${status}`).click();
    await page.getByTestId(`filter-status-${status}`).click();
  }
  await page.getByTestId('filter-server').selectOption({ label: 'local' });
  await page.getByTestId('filter-server').selectOption({ label: 'All servers' });
  await page.getByTestId('filter-status-SUCCEEDED').click();

  const token = await monitor.tokenFor('admin', monitor.adminPassword);
  await monitor.data(RUN_COMMAND, { input: { serverId: local, command: 'echo after-chips' } }, token);
  await page.getByTestId('operation-row').filter({ hasText: 'echo after-chips' }).waitFor();
  await page.getByTestId('operations-live').waitFor();
  assert.equal(await page.getByTestId('operations-live-stopped').count(), 0);
});

test('times read as "N s ago" and stay current, with the exact time and zone on hover; each run shows what it took', async () => {
  const [local] = await addServers();
  const token = await monitor.tokenFor('admin', monitor.adminPassword);
  await monitor.data(RUN_COMMAND, { input: { serverId: local, command: 'sleep 1; echo timed' } }, token);
  const page = await signedIn();
  await page.getByTestId('nav-operations').click();

  const row = page.locator('[data-testid="operation-row"][data-status="SUCCEEDED"]', { hasText: 'echo timed' });
  await row.waitFor();
  const took = await row.getByTestId('operation-took').innerText();
  assert.match(took, /^\d+(\.\d)? s$/);
  assert.ok(parseFloat(took) >= 1, took);

  const created = row.getByTestId('operation-created').locator('time');
  assert.ok(!Number.isNaN(Date.parse(await created.getAttribute('datetime'))));
  assert.match(await created.getAttribute('title'), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \S+ \(.+\)$/);
  // Kept current without a reload: "just now" becomes "N s ago".
  await page.waitForFunction(
    (id) => /^\d+ s ago$/.test(document.querySelector(`[data-id="${id}"] [data-testid="operation-created"] time`)?.textContent),
    await row.getAttribute('data-id'),
  );
});
