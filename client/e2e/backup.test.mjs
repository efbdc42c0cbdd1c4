// The backup page: one click downloads the whole store.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { screenshot, signIn, useMonitor } from './helpers.mjs';

const monitor = useMonitor();

test('the backup button downloads a non-empty file whose first line is JSON', async () => {
  const page = await monitor.newPage();
  await signIn(page, 'admin', monitor.adminPassword);
  await page.getByTestId('nav-backup').click();
  await screenshot(page, 'backup');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('backup-download').click()]);
  assert.equal(await download.failure(), null);
  const content = await readFile(await download.path(), 'utf8');
  assert.ok(content.length > 0, 'the backup is empty');
  assert.doesNotThrow(() => JSON.parse(content.split('\n')[0]), 'the first line is not JSON');
  await page.getByTestId('backup-started').waitFor();
});
