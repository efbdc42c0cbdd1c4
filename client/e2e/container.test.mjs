// One container's page: reached from the Containers list, it shows CPU, memory and
// processes arriving live as small charts, at a desktop's and a phone's width without
// the page scrolling sideways; a shell into it runs a command and shows the output, and
// closing it says so.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IMAGE, useDockerd } from './dockerd.mjs';
import { addServer, screenshot, signIn, useMonitor } from './helpers.mjs';

const monitor = useMonitor();
const dockerd = useDockerd();
// Busy in bursts: CPU use is well above zero and changes from sample to sample.
const BUSY = 'trap "exit 0" TERM; while true; do i=0; while [ $i -lt 3000 ]; do i=$((i+1)); done; sleep 0.3; done';

let arranged;
const arrange = () =>
  (arranged ??= (async () => {
    await addServer(monitor, 'engine', dockerd.host);
    await dockerd.run('--name', 'busy', '-e', 'API_TOKEN=s3cret-value', '-e', 'MODE=live', IMAGE, 'sh', '-c', BUSY);
  })());

async function openContainer(viewport) {
  await arrange();
  const context = await monitor.newContext(viewport);
  const page = await context.newPage();
  await signIn(page, 'admin', monitor.adminPassword);
  if (viewport?.width < 700) await page.getByTestId('menu-toggle').click();
  await page.getByTestId('nav-containers').click();
  await page.getByTestId('container-row-busy').getByTestId('container-link').click();
  await page.getByTestId('container-page').waitFor();
  return { page, context };
}

const samples = (page) => page.getByTestId('container-stats').getAttribute('data-samples').then(Number);

for (const viewport of [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
]) {
  test(`the container page shows live CPU and memory as charts at ${viewport.width}×${viewport.height}`, async () => {
    const { page, context } = await openContainer(viewport);
    const stats = page.locator('[data-testid="container-stats"][data-state="live"]');
    await stats.waitFor();
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="container-stats"]')?.getAttribute('data-samples')) >= 3,
    );
    const cpu = await page.getByTestId('stat-cpu').innerText();
    assert.match(cpu, /^\d+(\.\d)? %$/, cpu);
    assert.match(await page.getByTestId('stat-memory').innerText(), /(KiB|MiB)/);
    assert.match(await page.getByTestId('stat-network').innerText(), /host network/);
    const points = await page.locator('[data-testid="chart-cpu"] polyline').getAttribute('points');
    assert.ok(points.split(' ').length >= 2, points);
    const before = await samples(page);
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="container-stats"]')?.getAttribute('data-samples')) > n, before);

    // The environment's secret-looking value is masked until an operator reveals it.
    assert.equal(await page.getByTestId('env-API_TOKEN').innerText(), '••••••');
    assert.equal(await page.getByTestId('env-MODE').innerText(), 'live');
    await page.getByTestId('env-reveal').click();
    await page.getByTestId('env-API_TOKEN').filter({ hasText: 's3cret-value' }).waitFor();

    const excess = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(excess <= 0, `the page is ${excess} px wider than the window`);
    await screenshot(page, `container-page-${viewport.name}`);
    await context.close();
  });
}

test('a shell into the container runs a command and shows its output, and closing ends it', async () => {
  const { page, context } = await openContainer();
  await page.getByTestId('shell-open').click();
  await page.getByTestId('shell-state').filter({ hasText: 'connected' }).waitFor();
  await page.getByTestId('shell-terminal').click();
  // Quoted apart so that only the command's output, not its echo, reads "hello-shell".
  await page.keyboard.type('echo hello-"shell" $((6*7))\n');
  await page.locator('.xterm-rows').filter({ hasText: 'hello-shell 42' }).waitFor();
  await screenshot(page, 'container-shell');
  await page.getByTestId('shell-close').click();
  const ended = page.getByTestId('shell-state').filter({ hasText: 'ended: closed by admin' });
  await ended.waitFor();
  await context.close();
});
