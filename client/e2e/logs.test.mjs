// The live log viewer: what a container prints arrives (stderr styled apart), search
// filters the lines shown, pause counts new lines until resumed, and a long log keeps only
// the newest 5000 lines in the page.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IMAGE, useDockerd } from './dockerd.mjs';
import { addServer, screenshot, signIn, useMonitor } from './helpers.mjs';

const monitor = useMonitor();
const dockerd = useDockerd();
const TICKING = 'echo hello-out; echo hello-err >&2; i=0; trap "exit 0" TERM; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done';

// Added by the first test that needs it: root-level before() hooks run side by side.
let engine;
const addEngine = () => (engine ??= addServer(monitor, 'engine', dockerd.host));

/** Opens a container's log from the Containers page, as a user would. */
async function openLog(name) {
  await addEngine();
  const page = await monitor.newPage();
  await signIn(page, 'admin', monitor.adminPassword);
  await page.getByTestId('nav-containers').click();
  await page.getByTestId(`container-row-${name}`).getByTestId('container-logs').click();
  await page.getByTestId('log-view').waitFor();
  return page;
}

const line = (page, text) => page.getByTestId('log-line').filter({ hasText: text });
const lineCount = (page) => page.getByTestId('log-line').count();
/** The texts of the lines shown, without their times. */
const lineTexts = (page) => page.locator('[data-testid="log-line"] .log-text').allInnerTexts();

test('the log shows what the container prints, stderr styled apart from stdout', async () => {
  await dockerd.run('--name', 'talker', IMAGE, 'sh', '-c', TICKING);
  const page = await openLog('talker');

  const out = line(page, 'hello-out');
  const err = line(page, 'hello-err');
  await out.waitFor();
  await err.waitFor();
  assert.equal(await out.getAttribute('data-stream'), 'STDOUT');
  assert.equal(await err.getAttribute('data-stream'), 'STDERR');
  const colour = (locator) => locator.locator('.log-text').evaluate((el) => getComputedStyle(el).color);
  assert.notEqual(await colour(out), await colour(err));

  // Following: lines written after the page opened keep arriving.
  const shown = await lineCount(page);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="log-line"]').length > n + 2, shown);
  assert.match(await page.getByTestId('log-container-name').innerText(), /talker/);
  await screenshot(page, 'logs');
});

test('search filters the lines shown', async () => {
  await dockerd.run('--name', 'searched', IMAGE, 'sh', '-c', TICKING);
  const page = await openLog('searched');
  await line(page, 'tick 3').waitFor();

  await page.getByTestId('log-search').fill('HELLO');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="log-line"]').length === 2);
  const texts = await page.getByTestId('log-line').allInnerTexts();
  assert.ok(texts.every((t) => /hello-(out|err)/.test(t)), texts.join('\n'));
  assert.match(await page.getByTestId('log-count').innerText(), /2 of \d+ lines match/);

  await page.getByTestId('log-search').fill('');
  await line(page, 'tick 3').waitFor();
});

test('pause counts new lines without showing them; resume shows them', async () => {
  await dockerd.run('--name', 'paused', IMAGE, 'sh', '-c', TICKING);
  const page = await openLog('paused');
  await line(page, 'tick 2').waitFor();

  await page.getByTestId('log-pause').click();
  const frozen = await lineTexts(page);
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid="log-unseen"]')?.textContent.match(/(\d+) new lines?/)?.[1]) >= 3,
  );
  assert.deepEqual(await lineTexts(page), frozen);
  assert.match(await page.getByTestId('log-pause').innerText(), /Resume \(\d+ new\)/);

  await page.getByTestId('log-pause').click();
  await page.getByTestId('log-unseen').waitFor({ state: 'detached' });
  assert.ok((await lineCount(page)) > frozen.length + 2);
});

test('after a new tail the log is still followed: new lines arrive and it never says it ended', async () => {
  await dockerd.run('--name', 'retailed', IMAGE, 'sh', '-c', TICKING);
  const page = await openLog('retailed');
  await line(page, 'tick 2').waitFor();

  // Each change leaves one containerLogs stream and opens another.
  for (const tail of ['1000', '5000', '100']) await page.getByTestId('log-tail').selectOption(tail);
  const newest = await page.waitForFunction(() =>
    [...document.querySelectorAll('[data-testid="log-line"] .log-text')].at(-1)?.textContent.match(/^tick (\d+)$/)?.[1],
  );
  const last = Number(await newest.jsonValue());
  await line(page, `tick ${last + 3}`).waitFor();
  assert.equal(await page.getByTestId('log-state').innerText(), '● following');
});

test('a long log keeps only the newest 5000 lines in the page', async () => {
  await dockerd.docker('run', '--network', 'host', '--name', 'long', IMAGE, 'seq', '1', '12000');
  const page = await openLog('long');

  // The default tail is the last 100 lines; the container has stopped, so the log ends.
  await page.getByTestId('log-state').filter({ hasText: 'ended' }).waitFor();
  await line(page, '12000').waitFor();
  let texts = await lineTexts(page);
  assert.equal(texts.length, 100);
  assert.equal(texts[0], '11901');

  await page.getByTestId('log-tail').selectOption('100000');
  await page.getByTestId('log-trimmed').filter({ hasText: '7,000 older lines' }).waitFor();
  texts = await lineTexts(page);
  assert.equal(texts.length, 5000);
  assert.equal(texts[0], '7001');
  assert.equal(texts.at(-1), '12000');
});
