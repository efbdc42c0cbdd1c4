// The backup page: one click downloads the whole store, and the backups monitor takes by
// itself are listed with their age.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { screenshot, signIn, useMonitor } from './helpers.mjs';

const monitor = useMonitor({ env: async () => ({ MONITOR_BACKUP__EVERY: '1s', MONITOR_BACKUP__KEEP: '3' }) });

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

test('the backup page lists the scheduled backups, newest first, with their age', async () => {
  const page = await monitor.newPage();
  await signIn(page, 'admin', monitor.adminPassword);
  await page.getByTestId('nav-backup').click();

  await page.getByTestId('scheduled-backup').first().waitFor({ timeout: 20_000 });
  const names = await page.getByTestId('scheduled-backup').locator('td.mono').allTextContents();
  assert.ok(names.length >= 1 && names.length <= 3, `kept ${names.length} backups`);
  assert.deepEqual([...names].sort().reverse(), names, 'newest first');
  const age = await page.getByTestId('scheduled-backup-age').first().textContent();
  assert.match(age ?? '', /^(just now|\d+ (s|min) ago)$/);
  assert.match(await page.getByTestId('scheduled-backups').textContent(), /Every 1s, the newest 3 kept/);
});
