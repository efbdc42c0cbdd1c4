// Every page at a desktop's 1280×800 and a phone's 390×844: the page itself never scrolls
// sideways (wide tables and log lines scroll inside their own box), the phone gets a top
// menu instead of the sidebar, and "Log out" is in reach. Screenshots of each page at
// each size land in test-results/layout/ for people to look at.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { IMAGE, useDockerd } from './dockerd.mjs';
import { useFakes } from './fakes.mjs';
import { addServer, signIn, useMonitor } from './helpers.mjs';
import { startProbe } from './probe.mjs';

const fakes = useFakes();
const monitor = useMonitor({ env: fakes.env });
const dockerd = useDockerd();
const probes = [];
after(() => Promise.all(probes.map((probe) => probe.stop())));
const SHOTS = resolve(import.meta.dirname, '../test-results/layout');
const SIZES = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
];
// Long lines: a log pane must scroll them sideways, not widen the page.
const TALKER = 'trap "exit 0" TERM; while true; do echo "$(seq -s , 1 80)"; sleep 0.5; done';
const RUN_COMMAND = 'mutation($input: RunCommandInput!) { runCommand(input: $input) { id } }';
const CREATE_STACK = 'mutation($input: CreateStackInput!) { createStack(input: $input) { id } }';
const CREATE_APP = 'mutation($input: CreateAppInput!) { createApp(input: $input) { id } }';
const CREATE_CONFIG = 'mutation($input: CreateComponentConfigInput!) { createComponentConfig(input: $input) { id } }';
const GRANT = 'mutation($input: GrantCreditsInput!) { grantCredits(input: $input) { balance } }';
const MEASURE = 'mutation($input: CreateMeasurementInput!) { createMeasurement(input: $input) { id } }';

/** What each page shows once it has loaded, by the path that opens it. */
function pages({ serverId, containerId, operationId, stackId, appId, measurementId }) {
  return [
    ['overview', '/overview', '[data-testid="overview-server-engine"] [data-testid="count-running"][data-value="1"]'],
    ['health', '/health', '[data-testid="health-row-store"]'],
    ['audit', '/audit', '[data-testid="audit-row"]'],
    ['servers', '/servers', '[data-testid="servers-table"] [data-testid="server-reachability"]'],
    ['containers', '/containers', '[data-testid="container-row-talker"]'],
    ['logs', `/containers/logs?server=${serverId}&container=${containerId}`, '[data-testid="log-line"]'],
    ['container', `/containers/${serverId}/${containerId}`, '[data-testid="container-stats"][data-state="live"]'],
    ['images', '/images', '[data-testid="image-row"]'],
    ['volumes', '/volumes', '[data-testid="volumes-table"]'],
    ['networks', '/networks', '[data-testid="network-row"]'],
    ['commands', '/commands', '[data-testid="run-command-form"]'],
    ['operations', '/operations', '[data-testid="operation-row"]'],
    ['operation', `/operations/view?id=${operationId}`, '[data-testid="operation-detail"] [data-testid="log-line"]'],
    ['stacks', '/stacks', '[data-testid="stack-row-layout-stack"]'],
    ['stack', `/stacks/${stackId}`, '[data-testid="stack-webhook"]'],
    ['apps', '/apps', '[data-testid="app-row-a-rather-long-application-name"]'],
    ['app', `/apps/${appId}`, '[data-testid="app-version-1"]'],
    ['catalog', '/catalog', '[data-testid="catalog-row-batch-uploader"]'],
    ['probes', '/probes', '[data-testid="probe-dot-layout-probe"][data-state="connected"]'],
    ['measurements', '/measurements', '[data-testid="measurement-row"]'],
    ['measurement', `/measurements/${measurementId}`, '[data-testid="result-row"]'],
    ['credits', '/credits', '[data-testid="ledger-row"]'],
    ['tokens', '/tokens', '[data-testid="tokens-table"]'],
    ['users', '/admin/users', '[data-testid="user-row-admin"]'],
    ['backup', '/admin/backup', '[data-testid="backup-download"]'],
  ];
}

/** How far the page itself reaches past the window's right edge, in pixels. */
const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

async function arrange() {
  const serverId = await addServer(monitor, 'engine', dockerd.host);
  const containerId = await dockerd.run('--name', 'talker', IMAGE, 'sh', '-c', TALKER);
  const token = await monitor.tokenFor('admin', monitor.adminPassword);
  const long = `echo ${'a-rather-long-argument '.repeat(12)}`;
  const { runCommand } = await monitor.data(RUN_COMMAND, { input: { serverId, command: long } }, token);
  // Every part configured, so the stack's page shows all its cards.
  const stack = {
    name: 'layout-stack',
    serverId,
    repo: { url: 'https://git.example.com/team/a-repository-with-a-rather-long-name.git' },
    build: { networkMode: 'none' },
    deploy: { image: IMAGE, network: 'host', ports: ['8080:80'] },
    pipeline: [{ kind: 'PULL' }, { kind: 'BUILD' }, { kind: 'DEPLOY' }],
  };
  const { createStack } = await monitor.data(CREATE_STACK, { input: stack }, token);
  const chart = { repo: 'https://charts.example.com/a-chart-repository', name: 'batch-uploader', version: '1.0.0' };
  const config = { title: 'Batch uploader', type: 'batch-uploader', nodeType: 'source', config: { chart } };
  await monitor.data(CREATE_CONFIG, { input: config }, token);
  const graph = { components: { uploader: { type: 'batch-uploader', chart } }, flows: {} };
  const app = { namespace: 'machine-learning', name: 'a-rather-long-application-name', description: 'layout', graph };
  const { createApp } = await monitor.data(CREATE_APP, { input: app }, token);
  // A probe measuring, so the probes, measurement and credits pages have all their parts.
  const probe = await startProbe(monitor, 'layout-probe', { latitude: -33.87, longitude: 151.21 }, ['layout']);
  probes.push(probe);
  const { viewer } = await monitor.data('{ viewer { id } }', {}, token);
  await monitor.data(GRANT, { input: { userId: viewer.id, amount: 100, note: 'layout' } }, token);
  const ping = {
    kind: 'PING',
    targets: ['127.0.0.1', 'localhost'],
    probes: { ids: [probe.id] },
    params: { ping: { packets: 2, intervalMs: 200 } },
    description: 'a ping of both loopback names, for the layout',
  };
  const { createMeasurement } = await monitor.data(MEASURE, { input: ping }, token);
  return {
    serverId,
    containerId,
    operationId: runCommand.id,
    stackId: createStack.id,
    appId: createApp.id,
    measurementId: createMeasurement.id,
  };
}

test('no page scrolls sideways at 1280×800 or at 390×844; screenshots in test-results/layout/', async () => {
  const ids = await arrange();
  await mkdir(SHOTS, { recursive: true });
  // Every page is looked at (and photographed) before the verdict, which names them all.
  const tooWide = [];
  const check = async (page, name, size) => {
    const excess = await overflow(page);
    if (excess > 0) tooWide.push(`${name} at ${size.name} by ${excess} px`);
    await page.screenshot({ path: join(SHOTS, `${size.name}-${name}.png`), fullPage: true });
  };
  for (const size of SIZES) {
    const context = await monitor.newContext({ width: size.width, height: size.height });
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByTestId('login-form').waitFor();
    await check(page, 'login', size);
    await signIn(page, 'admin', monitor.adminPassword);
    for (const [name, path, ready] of pages(ids)) {
      await page.goto(path);
      await page.locator(ready).first().waitFor();
      await check(page, name, size);
    }
    await context.close();
  }
  assert.deepEqual(tooWide, []);
});

test('on a phone a top menu replaces the sidebar, and "Log out" is in reach', async () => {
  const context = await monitor.newContext({ width: 390, height: 844 });
  const page = await context.newPage();
  await signIn(page, 'admin', monitor.adminPassword);

  const logout = await page.getByTestId('logout').boundingBox();
  assert.ok(logout && logout.x >= 0 && logout.x + logout.width <= 390, JSON.stringify(logout));
  assert.equal(await page.getByTestId('nav-users').isVisible(), false);
  await page.getByTestId('menu-toggle').click();
  await page.getByTestId('nav-users').click();
  await page.getByTestId('user-row-admin').waitFor();
  assert.equal(await page.getByTestId('nav-users').isVisible(), false, 'the menu closes once a page is chosen');
  await page.getByTestId('logout').click();
  await page.getByTestId('login-form').waitFor();
});
