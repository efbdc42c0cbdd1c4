// Probes and measurements in the browser, against the real server and real `monitor probe`
// processes measuring real sockets on this machine: probes on the map and in the list with
// their live state, the measurement builder (its checks, its quote, a server error at its
// field), live results with their chart, and the credits a measurement takes.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, test } from 'node:test';
import { screenshot, signIn, useMonitor } from './helpers.mjs';
import { registerProbe, runProbe, startProbe } from './probe.mjs';

const monitor = useMonitor();
const probes = [];
after(async () => {
  await Promise.all(probes.map((probe) => probe.stop()));
});

const FRANKFURT = { latitude: 50.11, longitude: 8.68 };
const SYDNEY = { latitude: -33.87, longitude: 151.21 };

test('a connected probe shows on the map and in the list, and turns disconnected live when its process dies', async () => {
  const frankfurt = await startProbe(monitor, 'fra-1', FRANKFURT, ['eu']);
  probes.push(frankfurt);
  await registerProbe(monitor, 'syd-1', SYDNEY, ['au']);
  const page = await monitor.newPage();
  await signIn(page, 'admin', monitor.adminPassword);

  await page.getByTestId('nav-probes').click();
  const row = page.getByTestId('probe-row-fra-1');
  await row.getByTestId('probe-state').filter({ hasText: 'CONNECTED' }).waitFor();
  await page.locator('[data-testid="probe-dot-fra-1"][data-state="connected"]').waitFor();
  await page.locator('[data-testid="probe-map"][data-land="drawn"]').waitFor();
  assert.match(await row.getByTestId('probe-version').textContent(), /\d+\.\d+/);
  assert.equal(await page.getByTestId('probe-row-syd-1').getByTestId('probe-state').textContent(), 'NEVER CONNECTED');

  // Sydney lies east of and south of Frankfurt: its dot is right of and below Frankfurt's.
  const fra = await page.getByTestId('probe-dot-fra-1').boundingBox();
  const syd = await page.getByTestId('probe-dot-syd-1').boundingBox();
  assert.ok(syd.x > fra.x + 100 && syd.y > fra.y + 50, `Frankfurt at ${JSON.stringify(fra)}, Sydney at ${JSON.stringify(syd)}`);
  await screenshot(page, 'probes-connected');

  await frankfurt.stop();
  await row.getByTestId('probe-state').filter({ hasText: 'DISCONNECTED' }).waitFor();
  await page.locator('[data-testid="probe-dot-fra-1"][data-state="disconnected"]').waitFor();
  assert.notEqual(await row.getByTestId('probe-last-seen').textContent(), 'never');
  await page.close();
});

test('a probe registered in the browser shows its token once and joins the list; a latitude out of range is refused at its field; Revoke takes it out', async () => {
  const page = await monitor.newPage();
  await signIn(page, 'admin', monitor.adminPassword);
  await page.goto('/probes');
  const form = page.getByTestId('register-probe-form');
  await form.getByTestId('register-probe-name').fill('par-1');
  await form.getByTestId('register-probe-latitude').fill('91');
  await form.getByTestId('register-probe-longitude').fill('2.35');
  await form.getByTestId('register-probe-submit').click();
  await form.getByTestId('register-probe-latitude-error').waitFor();
  assert.equal(await page.getByTestId('probe-row-par-1').count(), 0);

  await form.getByTestId('register-probe-latitude').fill('48.85');
  await form.getByTestId('register-probe-tags').fill('eu, fr');
  await form.getByTestId('register-probe-submit').click();
  assert.match(await page.getByTestId('new-probe-token-value').textContent(), /^\S{20,}$/);
  const row = page.getByTestId('probe-row-par-1');
  assert.equal(await row.getByTestId('probe-state').textContent(), 'NEVER CONNECTED');
  await page.getByTestId('new-probe-token-dismiss').click();
  await page.getByTestId('new-probe-token').waitFor({ state: 'detached' });

  await row.getByTestId('probe-revoke').click();
  await row.getByTestId('probe-revoke-confirm').click();
  await row.waitFor({ state: 'detached' });
  await page.getByTestId('probe-dot-par-1').waitFor({ state: 'detached' });
  await page.close();
});

const GRANT = 'mutation($input: GrantCreditsInput!) { grantCredits(input: $input) { balance } }';
const MEASUREMENTS = '{ measurements { nodes { id } } credits { balance } }';
const GRANTED = 1000;

/** Grants the admin `GRANTED` credits; resolves to the admin's token. */
async function grantAdmin(note) {
  const admin = await monitor.tokenFor('admin', monitor.adminPassword);
  const { viewer } = await monitor.data('{ viewer { id } }', {}, admin);
  await monitor.data(GRANT, { input: { userId: viewer.id, amount: GRANTED, note } }, admin);
  return admin;
}

test('a ping built in the browser: bad input is refused at its field; a good one streams its result live, downloads as NDJSON and takes its quote from the credits, which an admin tops up', async () => {
  const admin = await grantAdmin('for the browser test');
  // Registered, not yet running: its part waits until it connects, so the result comes
  // while the measurement's page is open.
  const lab = { name: 'lab-1', ...(await registerProbe(monitor, 'lab-1', FRANKFURT, ['lab'])) };
  const page = await monitor.newPage();
  await signIn(page, 'admin', monitor.adminPassword);
  await page.getByTestId('nav-measurements').click();
  const builder = page.getByTestId('measurement-builder');
  await builder.getByTestId('probe-choice-lab-1').locator('input').check();

  // A target that is neither an address nor a name: the server says so at the field, as it is typed.
  await builder.getByTestId('measurement-targets').fill('not a_host!');
  await builder.getByTestId('measurement-targets-error').filter({ hasText: 'neither an IP address nor a hostname' }).waitFor();
  await builder.getByTestId('measurement-submit').click();
  await builder.getByTestId('measurement-targets-error').filter({ hasText: 'neither an IP address nor a hostname' }).waitFor();

  // A count with no probe connected: the quote says so at the probes as it is typed, and a submit is refused.
  await builder.getByTestId('measurement-targets').fill('127.0.0.1');
  await builder.getByTestId('probe-selection-count').check();
  await builder.getByTestId('probe-count').fill('5');
  await builder.getByTestId('probes-error').filter({ hasText: 'no eligible probe: no probe is connected' }).waitFor();
  await builder.getByTestId('measurement-submit').click();
  await builder.getByTestId('probes-error').filter({ hasText: 'no eligible probe: no probe is connected' }).waitFor();
  assert.deepEqual(await monitor.data(MEASUREMENTS, {}, admin), { measurements: { nodes: [] }, credits: { balance: GRANTED } });
  // A click on the map centres the area there: on the dot of a probe in Frankfurt, Frankfurt.
  await builder.getByTestId('probe-dot-lab-1').click();
  const latitude = Number(await builder.getByTestId('probe-area-latitude').inputValue());
  const longitude = Number(await builder.getByTestId('probe-area-longitude').inputValue());
  assert.ok(Math.abs(latitude - FRANKFURT.latitude) < 1 && Math.abs(longitude - FRANKFURT.longitude) < 1, `${latitude}, ${longitude}`);
  assert.equal(await builder.getByTestId('probe-area-radiusKm').inputValue(), '500');
  await builder.getByTestId('probe-map-area').waitFor({ state: 'attached' });
  await builder.getByTestId('probe-selection-ids').check();

  // Out of bounds is said before anything is asked; back in bounds, the quote shows.
  await builder.getByTestId('param-packets').fill('17');
  await builder.getByTestId('param-packets-error').filter({ hasText: '1 to 16' }).waitFor();
  await builder.getByTestId('param-packets').fill('2');
  await builder.getByTestId('param-intervalMs').fill('200');
  const quote = builder.locator('[data-testid="measurement-quote"][data-total="2"]');
  await quote.waitFor();
  assert.equal(await quote.getAttribute('data-enough'), 'true');
  assert.equal(await builder.getByTestId('param-packets-error').count(), 0);
  await screenshot(page, 'measurement-builder');

  await builder.getByTestId('measurement-submit').click();
  await page.waitForURL(/\/measurements\/[^/]+$/);
  await page.getByTestId('assignment-row-lab-1').getByTestId('assignment-status').filter({ hasText: 'WAITING' }).waitFor();
  assert.equal(await page.getByTestId('results-count').textContent(), '0 received');

  probes.push(await runProbe(monitor, lab));
  const row = page.locator('[data-testid="result-row"][data-probe="lab-1"]');
  await row.waitFor({ timeout: 30_000 });
  assert.match(await row.getByTestId('result-rtt').textContent(), /^\d+\.\d\d ms$/);
  assert.match(await row.getByTestId('result-summary').textContent(), /^2\/2 replies, 0% loss, 127\.0\.0\.1$/);
  // One point draws no area: it is in the chart, not "visible" to Playwright.
  await page.locator('[data-testid="rtt-series-lab-1"][data-points="1"]').waitFor({ state: 'attached' });
  await row.getByTestId('result-toggle').click();
  assert.match(await page.getByTestId('ping-packets').textContent(), /^#0 \d+\.\d\d ms · #1 \d+\.\d\d ms$/);
  await page.getByTestId('measurement-status').filter({ hasText: 'FINISHED' }).waitFor();
  assert.equal(await page.getByTestId('measurement-credits').textContent(), '2 used of 2 reserved (2 a result)');
  await screenshot(page, 'measurement-results');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('measurement-download').click()]);
  const lines = (await readFile(await download.path(), 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
  assert.deepEqual(lines.map((result) => [result.target, result.result?.received]), [['127.0.0.1', 2]]);

  await page.getByTestId('nav-credits').click();
  const reservation = page.locator('[data-testid="ledger-row"][data-movement="RESERVATION"]');
  await reservation.waitFor();
  assert.equal(await reservation.getByTestId('ledger-amount').textContent(), '-2');
  assert.equal(await page.getByTestId('credits-balance').textContent(), String(GRANTED - 2));
  assert.equal(await page.getByTestId('ledger-row').first().getByTestId('ledger-balance-after').textContent(), String(GRANTED - 2));

  // An admin's grant shows at once, in the balance and at the top of the ledger.
  await page.getByTestId('grant-credits-amount').fill('50');
  await page.getByTestId('grant-credits-note').fill('top-up');
  await page.getByTestId('grant-credits-submit').click();
  await page.getByTestId('credits-balance').filter({ hasText: String(GRANTED - 2 + 50) }).waitFor();
  const latest = page.getByTestId('ledger-row').first();
  assert.equal(await latest.getAttribute('data-movement'), 'GRANT');
  assert.equal(await latest.getByTestId('ledger-amount').textContent(), '+50');
  await screenshot(page, 'credits');
  await page.close();
});

test('a repeated ping runs its first round at once; Cancel stops it, gives back the credits it did not use, and files it under cancelled; the credits page follows movements live', async () => {
  const admin = await grantAdmin('for the repeated ping');
  probes.push(await startProbe(monitor, 'rep-1', SYDNEY, ['lab']));
  const page = await monitor.newPage();
  await signIn(page, 'admin', monitor.adminPassword);
  await page.goto('/measurements');
  const builder = page.getByTestId('measurement-builder');
  await builder.getByTestId('measurement-targets').fill('127.0.0.1');
  // Five probes asked around Sydney, where one is connected: quoted for the one it would run on.
  await builder.getByTestId('probe-selection-count').check();
  await builder.getByTestId('probe-count').fill('5');
  await builder.getByTestId('probe-area-latitude').fill(String(SYDNEY.latitude));
  await builder.getByTestId('probe-area-longitude').fill(String(SYDNEY.longitude));
  await builder.getByTestId('probe-area-radiusKm').fill('100');
  await builder.locator('[data-testid="measurement-quote"][data-probes="1"]:not(.stale)').waitFor();
  assert.equal(await builder.getByTestId('measurement-quote-probes').textContent(), '1 of 5 probes asked match: it runs on those');
  await builder.getByTestId('probe-selection-ids').check();
  await builder.getByTestId('probe-choice-rep-1').locator('input').check();
  await builder.getByTestId('param-intervalMs').fill('200');
  await builder.getByTestId('schedule-repeat').check();
  await builder.getByTestId('schedule-every').fill('59');
  await builder.getByTestId('schedule-every-error').filter({ hasText: '60 to 86,400 seconds' }).waitFor();
  await builder.getByTestId('schedule-every').fill('60');
  // An hour and half a minute from now, as the browser's datetime-local field reads it
  // (local time, to the minute): whichever second it is, the stop stays over 59 minutes
  // ahead until the quote is asked, so the count below holds.
  const inAnHour = await page.evaluate(() => {
    const at = new Date(Date.now() + 3_630_000);
    at.setMinutes(at.getMinutes() - at.getTimezoneOffset());
    return at.toISOString().slice(0, 16);
  });
  await builder.getByTestId('schedule-stop').fill(inAnHour);
  // Every minute for an hour: 60 or 61 rounds of one result at 3 credits.
  const quote = builder.locator('[data-testid="measurement-quote"][data-total]:not(.stale)').filter({ hasText: 'results' });
  await quote.waitFor();
  const reserved = Number(await quote.getAttribute('data-total'));
  assert.ok(reserved === 180 || reserved === 183, `quoted ${reserved}`);

  await builder.getByTestId('measurement-submit').click();
  await page.waitForURL(/\/measurements\/[^/]+$/);
  await page.locator('[data-testid="result-row"][data-probe="rep-1"]').waitFor({ timeout: 30_000 });
  await page.getByTestId('measurement-cancel').click();
  await page.getByTestId('measurement-cancel-confirm').click();
  await page.getByTestId('measurement-status').filter({ hasText: 'CANCELLED' }).waitFor();
  assert.equal(await page.getByTestId('measurement-credits').textContent(), `3 used of ${reserved} reserved (3 a result)`);

  await page.getByTestId('nav-credits').click();
  const release = page.locator('[data-testid="ledger-row"][data-movement="RELEASE"]');
  await release.waitFor();
  assert.equal(await release.getByTestId('ledger-amount').textContent(), `+${reserved - 3}`);

  // A movement made elsewhere shows on the open page as it is made, with no reload.
  await page.getByTestId('credits-live').waitFor();
  await page.evaluate(() => {
    window.notReloaded = true;
  });
  const before = Number(await page.getByTestId('credits-balance').textContent());
  const { viewer } = await monitor.data('{ viewer { id } }', {}, admin);
  await monitor.data(GRANT, { input: { userId: viewer.id, amount: 25, note: 'from elsewhere' } }, admin);
  await page.getByTestId('credits-balance').filter({ hasText: String(before + 25) }).waitFor();
  assert.equal(await page.getByTestId('ledger-row').first().getAttribute('data-movement'), 'GRANT');
  assert.equal(await page.evaluate(() => window.notReloaded), true);

  // The list shows it among the cancelled ones, and none is running.
  await page.getByTestId('nav-measurements').click();
  await page.getByTestId('filter-status').selectOption('CANCELLED');
  await page.waitForURL(/status=CANCELLED/);
  // The list may not be read yet, and keeps the rows it had until the filtered answer
  // arrives: wait for the cancelled row, then for the others to go.
  await page.locator('[data-testid="measurement-row"][data-status="CANCELLED"]').first().waitFor();
  await page.locator('[data-testid="measurement-row"]:not([data-status="CANCELLED"])').first().waitFor({ state: 'detached' });
  assert.equal(await page.locator('[data-testid="measurement-row"][data-status="CANCELLED"]').count(), 1);
  await page.getByTestId('filter-status').selectOption('RUNNING');
  await page.getByText('No measurements match.').waitFor();
  await page.close();
});
