// The health page: every component with its status, kept fresh.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, signIn, useMonitor } from './helpers.mjs';

const monitor = useMonitor();

test('the health page shows the store component UP', async () => {
  const page = await monitor.newPage();
  await signIn(page, 'admin', monitor.adminPassword);
  await page.getByTestId('nav-health').click();

  const store = page.getByTestId('health-row-store');
  await store.getByTestId('component-status').filter({ hasText: 'UP' }).waitFor();
  assert.match(await page.getByTestId('health-status').innerText(), /^(UP|DEGRADED|DOWN)$/);
  await screenshot(page, 'health');
});

test('the health page refreshes by itself', async () => {
  const page = await monitor.newPage();
  await signIn(page, 'admin', monitor.adminPassword);
  const answered = () => page.waitForResponse((r) => r.url().endsWith('/graphql') && r.request().postData()?.includes('query Health'));
  await answered();
  await answered(); // the next poll, with no user action in between
});
