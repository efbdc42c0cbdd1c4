// A server's images, volumes and networks: listed with the space they take, inspected,
// removed and pruned from their pages, as an operator does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IMAGE, useDockerd } from './dockerd.mjs';
import { addServer, screenshot, signIn, useMonitor } from './helpers.mjs';

const monitor = useMonitor();
const dockerd = useDockerd();
const UNTIL_STOPPED = 'trap "exit 0" TERM; while true; do sleep 1; done';

let arranged;
const arrange = () =>
  (arranged ??= (async () => {
    await addServer(monitor, 'engine', dockerd.host);
    await dockerd.run('--name', 'keeper', '-v', 'kept:/data', IMAGE, 'sh', '-c', UNTIL_STOPPED);
    await dockerd.docker('commit', 'keeper');
    await dockerd.docker('volume', 'create', 'leftover');
    await dockerd.docker('network', 'create', '--internal', 'backend');
  })());

async function open(path) {
  await arrange();
  const page = await monitor.newPage();
  await signIn(page, 'admin', monitor.adminPassword);
  await page.goto(path);
  return page;
}

test('images show their size; the dangling one is pruned with the space reclaimed', async () => {
  const page = await open('/images');
  const busybox = page.locator(`[data-testid="image-row"][data-name="${IMAGE}"]`);
  assert.match(await busybox.getByTestId('image-size').innerText(), /MiB|KiB/);
  assert.equal(await busybox.getByTestId('image-containers').innerText(), '1');
  await busybox.getByTestId('resource-inspect').click();
  await page.getByTestId('image-details').filter({ hasText: '/bin/sh' }).waitFor();
  await page.locator('[data-testid="image-row"][data-dangling="true"]').waitFor();
  await page.getByTestId('resource-prune').click();
  await page.getByTestId('resource-prune-confirm').click();
  await page.getByTestId('prune-result').filter({ hasText: 'Pruned 1 image,' }).waitFor();
  await page.locator('[data-testid="image-row"][data-dangling="true"]').waitFor({ state: 'detached' });
  await screenshot(page, 'images');
});

test('volumes say whether they are used; an unused one is removed, a used one is refused', async () => {
  const page = await open('/volumes');
  const kept = page.locator('[data-testid="volume-row"][data-name="kept"]');
  const leftover = page.locator('[data-testid="volume-row"][data-name="leftover"]');
  assert.equal(await kept.getAttribute('data-in-use'), 'true');
  assert.equal(await leftover.getAttribute('data-in-use'), 'false');
  await kept.getByTestId('resource-remove').click();
  await kept.getByTestId('resource-remove-confirm').click();
  await kept.getByTestId('remove-error').filter({ hasText: 'in use' }).waitFor();
  await leftover.getByTestId('resource-remove').click();
  await leftover.getByTestId('resource-remove-confirm').click();
  await leftover.waitFor({ state: 'detached' });
  await screenshot(page, 'volumes');
});

test('networks list their containers; the engine\'s own cannot be removed, a new one can', async () => {
  const page = await open('/networks');
  const host = page.locator('[data-testid="network-row"][data-name="host"]');
  await host.getByTestId('resource-inspect').click();
  await page.getByTestId('network-containers').filter({ hasText: 'keeper' }).waitFor();
  assert.equal(await host.getByTestId('resource-remove').count(), 0);
  const backend = page.locator('[data-testid="network-row"][data-name="backend"]');
  await backend.getByTestId('resource-remove').click();
  await backend.getByTestId('resource-remove-confirm').click();
  await backend.waitFor({ state: 'detached' });
  await screenshot(page, 'networks');
});
