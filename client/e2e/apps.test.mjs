// Apps on Kubernetes, against the fake API server with its fake controller and the fake
// Grafana (fakes.mjs): the catalog takes a component config and keeps its old version
// readable; an app made in the UI refuses a bad namespace at its field; a graph with
// problems is marked at their lines as it is typed and cannot be saved; a valid version,
// with a component taken from the catalog, is saved, deployed with its progress live
// until the controller says Deployed (and its Grafana dashboard linked), compared with
// the first side by side, and reverted; an edit made in the cluster shows as drift, live,
// with what differs; the list shows the app's phase and drift and filters by phase; the
// app is undeployed. Settings refuse a bad label at its entry, a read-only label stops
// new versions, deploys and deletion, and a deleted app leaves the list.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useFakes } from './fakes.mjs';
import { followOperation, screenshot, signIn, useMonitor } from './helpers.mjs';

const fakes = useFakes();
const monitor = useMonitor({ env: fakes.env });

const CREATE_CONFIG = 'mutation($input: CreateComponentConfigInput!) { createComponentConfig(input: $input) { id } }';
const APP_STATE = 'query($id: ID!) { app(id: $id) { versionCount activeVersion { number } } }';
const CREATE_APP = 'mutation($input: CreateAppInput!) { createApp(input: $input) { id } }';
const DEPLOY_APP = 'mutation($input: DeployAppInput!) { deployApp(input: $input) { id } }';

const chart = (name, version) => ({ repo: 'rampart-repo', name, version });
const UPLOADER = {
  type: 'uploader',
  chart: chart('batch-uploader', '1.0.0'),
  config: { replicas: 1 },
  outputs: { out: { flow: 'batch' } },
  ingressNeeded: true,
};
const FIRST = { components: { uploader: UPLOADER }, flows: { batch: { type: 'volume' } } };
const SECOND = {
  components: {
    uploader: { ...UPLOADER, chart: chart('batch-uploader', '1.1.0') },
    trainer: { chart: chart('trainer', '2.0.0'), inputs: { in: { flow: 'batch' } } },
  },
  flows: FIRST.flows,
};
const text = (graph) => JSON.stringify(graph, null, 2);

async function adminPage() {
  const page = await monitor.newPage();
  await signIn(page, 'admin', monitor.adminPassword);
  return page;
}

test('a component config added in the catalog gets a next version, and the first stays readable', async () => {
  const page = await adminPage();
  await page.getByTestId('nav-catalog').click();
  await page.getByTestId('catalog-table').waitFor();

  await page.getByTestId('new-config-open').click();
  await page.getByTestId('new-config-title').fill('Batch uploader');
  await page.getByTestId('new-config-type').fill('batch-uploader');
  await page.getByTestId('new-config-node-type').fill('source');
  await page.getByTestId('new-config-config').fill('{"chart": ');
  await page.getByTestId('new-config-config-error').filter({ hasText: 'not JSON' }).waitFor();
  assert.equal(await page.getByTestId('new-config-submit').isDisabled(), true, 'broken JSON is not sent');
  await page.getByTestId('new-config-config').fill(text({ chart: chart('batch-uploader', '1.0.0') }));
  await page.getByTestId('new-config-submit').click();

  const row = page.getByTestId('catalog-row-batch-uploader');
  await row.getByTestId('catalog-version').filter({ hasText: 'v1' }).waitFor();
  await row.getByTestId('catalog-open').click();
  await page.getByTestId('catalog-edit').click();
  await page.getByTestId('edit-config-config').fill(text({ chart: chart('batch-uploader', '2.0.0') }));
  await page.getByTestId('edit-config-message').fill('chart 2.0.0');
  await page.getByTestId('edit-config-submit').click();
  await row.getByTestId('catalog-version').filter({ hasText: 'v2' }).waitFor();

  const first = page.getByTestId('catalog-config-v1');
  await first.locator('summary').click();
  assert.match(await first.locator('pre').innerText(), /"version": "1\.0\.0"/);
  assert.match(await page.getByTestId('catalog-config-v2').locator('pre').innerText(), /"version": "2\.0\.0"/);
  await screenshot(page, 'catalog');
});

test('an app is created, a bad graph is refused as typed, a good one is deployed live, compared and reverted, drift shows, and it is undeployed', async () => {
  const token = await monitor.tokenFor('admin', monitor.adminPassword);
  const uploader = { chart: UPLOADER.chart, config: { replicas: 1 } };
  await monitor.data(CREATE_CONFIG, { input: { title: 'Uploader', type: 'uploader', nodeType: 'source', config: uploader } }, token);
  const page = await adminPage();
  await page.getByTestId('nav-apps').click();
  await page.getByTestId('apps-table').waitFor();

  // The server names the namespace it refuses; the form keeps everything typed.
  await page.getByTestId('new-app-open').click();
  await page.getByTestId('new-app-namespace').fill('ML_Team');
  await page.getByTestId('new-app-name').fill('demo');
  await page.getByTestId('new-app-graph-text').fill(text(FIRST));
  await page.getByTestId('new-app-graph-valid').waitFor();
  await page.getByTestId('new-app-submit').click();
  await page.getByTestId('new-app-namespace-error').filter({ hasText: 'DNS-1123' }).waitFor();
  await page.getByTestId('new-app-namespace').fill('ml');
  await page.getByTestId('new-app-submit').click();
  await page.waitForURL(/\/apps\/[^/?]+$/);
  const appId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
  await page.getByTestId('app-version-1').waitFor();

  // A flow that is not defined and a catalog field left out: each marked at its line.
  await page.getByTestId('new-version-open').click();
  const editor = page.getByTestId('new-version-graph-text');
  assert.deepEqual(JSON.parse(await editor.inputValue()), FIRST, 'the editor starts from the newest version');
  const bad = text({
    components: { uploader: { type: 'uploader', chart: UPLOADER.chart, inputs: { in: { flow: 'nowhere' } } } },
    flows: {},
  });
  await editor.fill(bad);
  const problems = page.getByTestId('new-version-graph-problem');
  const flowProblem = problems.and(page.locator('[data-path="components.uploader.inputs.in.flow"]'));
  await flowProblem.filter({ hasText: 'flow `nowhere` is not defined' }).waitFor();
  const flowLine = bad.split('\n').findIndex((line) => line.includes('"nowhere"')) + 1;
  assert.equal(await flowProblem.getAttribute('data-line'), String(flowLine));
  await problems.and(page.locator('[data-path="components.uploader"]')).filter({ hasText: '`config` is missing' }).waitFor();
  await screenshot(page, 'app-graph-problems');
  await editor.fill(`${bad.slice(0, -2)}`);
  await problems.filter({ hasText: 'not JSON' }).waitFor();
  assert.equal(await page.getByTestId('new-version-submit').isDisabled(), true);
  assert.equal((await monitor.data(APP_STATE, { id: appId }, token)).app.versionCount, 1, 'nothing was saved');

  await editor.fill(text(SECOND));
  // A component offered by the catalog comes with what its entry sets.
  await page.getByTestId('new-version-graph-catalog-type').selectOption('uploader');
  await page.getByTestId('new-version-graph-catalog-name').fill('spare');
  await page.getByTestId('new-version-graph-catalog-add').click();
  assert.deepEqual(JSON.parse(await editor.inputValue()).components.spare, { ...uploader, type: 'uploader' });
  await page.getByTestId('new-version-graph-valid').waitFor();
  await page.getByTestId('new-version-message').fill('chart 1.1.0 and a trainer');
  await page.getByTestId('new-version-submit').click();
  await page.getByTestId('new-version-saved').filter({ hasText: 'Saved as v2' }).waitFor();
  await page.getByTestId('app-version-2').waitFor();

  // Deploy v2: the operation's lines and the controller's phase arrive as they happen.
  await page.getByTestId('app-deploy').click();
  const deploy = await followOperation(page, () => page.getByTestId('app-deploy-confirm').click(), 'deploy');
  await deploy.locator('.log-text').filter({ hasText: 'Deployed (generation 1' }).waitFor();
  await page.locator('[data-testid="app-summary"] [data-testid="app-phase"][data-phase="DEPLOYED"]').waitFor();
  await page.getByTestId('app-active-version').filter({ hasText: 'v2' }).waitFor();
  await page.getByTestId('app-endpoint').filter({ hasText: '/ml/demo/uploader/' }).waitFor();
  await page.locator('[data-testid="app-deployment"][data-action="DEPLOY"][data-outcome="DEPLOYED"]').waitFor();
  const grafana = await fakes.grafanaUrl();
  const dashboard = page.getByTestId('app-dashboard');
  await dashboard.waitFor();
  assert.ok((await dashboard.getByRole('link').first().getAttribute('href')).startsWith(`${grafana}/d/`));
  assert.ok((await dashboard.getByTestId('app-dashboard-panel').count()) > 0, 'each panel has its link');

  // v1 → v2 side by side: the chart's new version, and the trainer that came.
  await page.getByTestId('app-version-2').getByTestId('app-version-diff').click();
  const rows = page.getByTestId('app-diff-row');
  const chartRow = rows.filter({ hasText: 'uploader/chart/version' });
  await chartRow.waitFor();
  assert.equal(await chartRow.getAttribute('data-change'), 'CHANGED');
  assert.match(await chartRow.locator('.diff-old').innerText(), /1\.0\.0/);
  assert.match(await chartRow.locator('.diff-new').innerText(), /1\.1\.0/);
  assert.equal(await rows.filter({ hasText: 'trainer' }).getAttribute('data-change'), 'ADDED');
  assert.equal(await rows.filter({ hasText: 'spare' }).getAttribute('data-change'), 'ADDED');
  await screenshot(page, 'app');

  // Revert to v1, asked twice.
  const revert = page.getByTestId('app-version-deploy-1');
  assert.equal(await revert.innerText(), 'Revert');
  await revert.click();
  await followOperation(page, () => page.getByTestId('app-version-deploy-1-confirm').click(), 'revert');
  await page.locator('[data-testid="app-deployment"][data-action="REVERT"][data-outcome="DEPLOYED"]').waitFor();
  await page.getByTestId('app-active-version').filter({ hasText: 'v1' }).waitFor();
  assert.equal((await monitor.data(APP_STATE, { id: appId }, token)).app.activeVersion.number, 1);

  // An edit behind monitor's back: the open page says it drifted, and shows what differs.
  await fakes.edit('ml', 'demo', { spec: { graph: { components: { uploader: { config: { replicas: 3 } } } } } });
  await page.locator('[data-testid="app-summary"] [data-testid="app-drifted"]').waitFor();
  await page.getByTestId('app-diff-live').click();
  const drift = page.getByTestId('app-diff-row').filter({ hasText: 'uploader/config/replicas' });
  await drift.waitFor();
  assert.equal(await drift.locator('.diff-old').innerText(), '1');
  assert.equal(await drift.locator('.diff-new').innerText(), '3');
  await page.getByTestId('app-version-3').filter({ hasText: 'kubectl-edit' }).waitFor();

  // The list shows it deployed and drifted, and its phase filter keeps or hides it.
  await page.getByTestId('nav-apps').click();
  const row = page.getByTestId('app-row-demo');
  await row.locator('[data-testid="app-phase"][data-phase="DEPLOYED"] [data-testid="app-drifted"]').waitFor();
  assert.equal(await row.getByTestId('app-running-version').innerText(), 'v1');
  await page.getByTestId('filter-phase').selectOption('FAILED');
  await page.getByTestId('apps-empty').waitFor();
  await page.getByTestId('filter-phase').selectOption('DEPLOYED');
  await row.waitFor();

  // Undeploy, asked twice: the resource stays, the controller tears the graph down.
  await row.getByTestId('app-link').click();
  await page.getByTestId('app-undeploy').click();
  await followOperation(page, () => page.getByTestId('app-undeploy-confirm').click(), 'undeploy');
  await page.locator('[data-testid="app-summary"] [data-testid="app-phase"][data-phase="UNDEPLOYED"]').waitFor();
  await page.locator('[data-testid="app-deployment"][data-action="UNDEPLOY"][data-outcome="UNDEPLOYED"]').waitFor();
});

test("an app's settings refuse a bad label at its entry, a read-only label stops new versions, deploys and deletion, and a deleted app leaves the list", async () => {
  const token = await monitor.tokenFor('admin', monitor.adminPassword);
  const graph = { components: { uploader: { chart: UPLOADER.chart } }, flows: {} };
  const { createApp } = await monitor.data(CREATE_APP, { input: { namespace: 'ml', name: 'settings', graph } }, token);
  await monitor.data(DEPLOY_APP, { input: { appId: createApp.id } }, token);
  const page = await adminPage();
  await page.goto(`/apps/${createApp.id}`);
  await page.locator('[data-testid="app-summary"] [data-testid="app-phase"][data-phase="DEPLOYED"]').waitFor();

  await page.getByTestId('app-settings-labels-add').click();
  await page.getByTestId('app-settings-labels-0-key').fill('not a key!');
  await page.getByTestId('app-settings-labels-0-value').fill('x');
  await page.getByTestId('app-settings-save').click();
  await page.getByTestId('app-settings-labels-0-error').filter({ hasText: 'not a label key' }).waitFor();
  await page.getByTestId('app-settings-labels-0-key').fill('rampart-graph-readonly');
  await page.getByTestId('app-settings-labels-0-value').fill('true');
  await page.getByTestId('app-settings-save').click();
  await page.getByTestId('app-labels').filter({ hasText: 'rampart-graph-readonly=true' }).waitFor();
  await page.getByTestId('app-readonly').waitFor();
  for (const control of ['new-version-open', 'app-deploy', 'app-delete']) {
    assert.equal(await page.getByTestId(control).count(), 0, `a read-only app offers no ${control}`);
  }

  // Without the label, the delete waits for the cluster to remove the resource (the
  // controller's finalizer holds it a while).
  await page.getByTestId('app-settings-labels-0-remove').click();
  await page.getByTestId('app-settings-save').click();
  await page.getByTestId('app-labels').filter({ hasText: 'none' }).waitFor();
  await page.getByTestId('app-delete').click();
  await page.getByTestId('app-delete-confirm').click();
  await page.waitForURL((url) => url.pathname === '/apps');
  await page.getByTestId('apps-table').waitFor();
  assert.equal(await page.getByTestId('app-row-settings').count(), 0);
  assert.equal((await monitor.data(APP_STATE, { id: createApp.id }, token)).app, null);
});
