// Stacks, with a real git repository, the private dockerd and a real registry: bad input
// shows at the exact list entry and creates nothing; a stack made in the UI offers only
// its available actions and goes clone → build (live output) → push → deploy → rollback
// → pipeline (its steps listed under the run) from its page; a run a signed push webhook
// starts appears in the open page's history and goes on to SUCCEEDED there; the webhook
// secret is revealed and rotated; an edit is saved, or refused at the entry the server
// names; a stack is deleted after a confirmation.
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { IMAGE, useDockerd } from './dockerd.mjs';
import { createRepo } from './gitrepo.mjs';
import { FINISHED, addServer, followOperation, screenshot, signIn, useMonitor } from './helpers.mjs';
import { useRegistry } from './registry.mjs';

const registry = useRegistry();
const monitor = useMonitor({ env: async () => ({ MONITOR_REGISTRY__URL: await registry.url() }) });
const dockerd = useDockerd();
const MARKER = 'built-by-the-stacks-e2e';
const DOCKERFILE = `FROM ${IMAGE}
RUN echo ${MARKER}
CMD ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
`;
const STACK_NAMES = '{ stacks(first: 100) { nodes { name } } }';

// Added by the first test that needs it: root-level before() hooks run side by side.
let engine;
const addEngine = () => (engine ??= addServer(monitor, 'local', dockerd.host));

async function adminToken() {
  return monitor.tokenFor('admin', monitor.adminPassword);
}

async function openStacks() {
  await addEngine();
  const page = await monitor.newPage();
  await signIn(page, 'admin', monitor.adminPassword);
  await page.getByTestId('nav-stacks').click();
  await page.getByTestId('stacks-table').waitFor();
  return page;
}

const act = (page, action) => followOperation(page, () => page.getByTestId(`stack-action-${action}`).click(), action);

test('a bad port shows its error under that port entry and creates no stack', async () => {
  const page = await openStacks();
  await page.getByTestId('new-stack-open').click();
  await page.getByTestId('new-stack-name').fill('bad-port');
  await page.getByTestId('new-stack-server').selectOption({ label: 'local' });
  await page.getByTestId('new-stack-deploy-on').check();
  await page.getByTestId('new-stack-deploy-image').fill(IMAGE);
  await page.getByTestId('new-stack-deploy-ports-add').click();
  await page.getByTestId('new-stack-deploy-ports-0').fill('8080:80');
  await page.getByTestId('new-stack-deploy-ports-add').click();
  await page.getByTestId('new-stack-deploy-ports-1').fill('8080:99999');
  await page.getByTestId('new-stack-submit').click();

  assert.match(await page.getByTestId('new-stack-deploy-ports-1-error').innerText(), /"8080:99999" must be containerPort/);
  assert.equal(await page.getByTestId('new-stack-deploy-ports-0-error').count(), 0);
  assert.equal(await page.getByTestId('new-stack-error').count(), 0);
  await screenshot(page, 'stacks-invalid');

  assert.equal(new URL(page.url()).pathname, '/stacks');
  await page.getByTestId('stacks-empty').waitFor();
  const data = await monitor.data(STACK_NAMES, {}, await adminToken());
  assert.deepEqual(data.stacks.nodes, []);
});

test('a stack made in the UI goes clone → build → push → deploy from its page, rolls back, and runs its pipeline', async (t) => {
  const { url, head, remove } = await createRepo({ Dockerfile: DOCKERFILE });
  t.after(remove);
  const tag = head.slice(0, 12);
  const page = await openStacks();

  await page.getByTestId('new-stack-open').click();
  await page.getByTestId('new-stack-name').fill('web');
  await page.getByTestId('new-stack-server').selectOption({ label: 'local' });
  await page.getByTestId('new-stack-repo-on').check();
  await page.getByTestId('new-stack-repo-url').fill(url);
  await page.getByTestId('new-stack-build-on').check();
  await page.getByTestId('new-stack-build-network-mode').selectOption('none');
  await page.getByTestId('new-stack-deploy-on').check();
  await page.getByTestId('new-stack-deploy-network').fill('host');
  await page.getByTestId('new-stack-deploy-restart-policy').selectOption('no');
  for (const [index, kind] of ['PULL', 'BUILD', 'PUSH', 'DEPLOY'].entries()) {
    await page.getByTestId('new-stack-pipeline-add').click();
    await page.getByTestId(`new-stack-pipeline-${index}-kind`).selectOption(kind);
  }
  await page.getByTestId('new-stack-submit').click();

  // Nothing is checked out or built yet: only what availableActions allows is offered.
  await page.getByTestId('stack-summary').waitFor();
  assert.match(new URL(page.url()).pathname, /^\/stacks\/[0-9A-Z]+$/);
  const actions = page.getByTestId('stack-actions').locator('button');
  assert.deepEqual(await actions.allInnerTexts(), ['Clone', 'Run pipeline']);

  await act(page, 'CLONE');
  await page.getByTestId('stack-commit').filter({ hasText: tag }).waitFor();

  const build = await act(page, 'BUILD');
  assert.ok((await build.locator('.log-text').allInnerTexts()).some((line) => line.trim() === MARKER));
  await page.getByTestId('stack-built-image').filter({ hasText: `/web:${tag}` }).waitFor();

  await act(page, 'PUSH');
  const images = page.getByTestId('stack-images');
  await images.getByTestId(`stack-image-${tag}`).waitFor();
  await images.getByTestId('stack-image-latest').waitFor();
  assert.match(await images.getByTestId(`stack-image-${tag}`).innerText(), /sha256:/);

  await act(page, 'DEPLOY');
  const summary = page.getByTestId('stack-summary');
  await summary.locator('[data-testid="stack-container"][data-status="RUNNING"]').waitFor();
  assert.equal(await summary.getByTestId('stack-container-logs').innerText(), 'web');
  await page.getByTestId('stack-deployed-image').filter({ hasText: `/web:${tag}` }).waitFor();
  await images.getByTestId(`stack-image-${tag}`).getByTestId('stack-image-deployed').waitFor();
  assert.deepEqual(await actions.allInnerTexts(), ['Clone', 'Pull', 'Build', 'Push', 'Deploy', 'Run pipeline']);
  await screenshot(page, 'stack');

  const latest = images.getByTestId('stack-image-latest');
  await latest.getByTestId('stack-image-rollback').click();
  const rollback = await followOperation(page, () => latest.getByTestId('stack-image-rollback-confirm').click(), 'rollback');
  // Replacing the running container says what it waits for, and for how long at most.
  const lines = await rollback.locator('.log-text').allInnerTexts();
  const waited = 'stopping the old container web: up to 10 s for it to exit before SIGKILL, then removing it';
  assert.ok(lines.includes(waited), lines.join('\n'));
  await page.getByTestId('stack-deployed-image').filter({ hasText: '/web:latest' }).waitFor();
  await latest.getByTestId('stack-image-deployed').waitFor();
  await summary.locator('[data-testid="stack-container"][data-status="RUNNING"]').waitFor();

  const history = page.getByTestId('stack-history');
  const kinds = () => history.getByTestId('stack-operation').evaluateAll((rows) => rows.map((row) => row.dataset.kind));
  await history.getByTestId('stack-operation').nth(4).waitFor();
  assert.deepEqual(await kinds(), ['DEPLOY', 'DEPLOY', 'PUSH', 'BUILD', 'CLONE']);

  const pipeline = await act(page, 'RUN_PIPELINE');
  assert.ok((await pipeline.locator('.log-text').allInnerTexts()).some((line) => line.startsWith('step 4/4')));
  const run = history.locator('[data-testid="stack-operation"][data-kind="PIPELINE"][data-status="SUCCEEDED"]');
  await run.getByTestId('stack-operation-steps').click();
  const steps = history.getByTestId('pipeline-step');
  await steps.nth(3).waitFor();
  const described = await steps.evaluateAll((items) => items.map((item) => `${item.dataset.kind} ${item.dataset.status}`));
  assert.deepEqual(described, ['PULL SUCCEEDED', 'BUILD SUCCEEDED', 'PUSH SUCCEEDED', 'DEPLOY SUCCEEDED']);
  await page.getByTestId('stack-deployed-image').filter({ hasText: `/web:${tag}` }).waitFor();

  await page.getByTestId('nav-stacks').click();
  const row = page.getByTestId('stack-row-web');
  await row.locator('[data-testid="stack-container"][data-status="RUNNING"]').waitFor();
  assert.equal(await row.getByTestId('stack-commit').innerText(), tag);
  assert.match(await row.getByTestId('stack-deployed-image').innerText(), new RegExp(`/web:${tag}$`));
  const last = row.getByTestId('stack-last-operation');
  assert.deepEqual(
    [await last.getAttribute('data-kind'), await last.getAttribute('data-status')],
    ['PIPELINE', 'SUCCEEDED'],
  );
  await screenshot(page, 'stacks');
});

/** Posts a GitHub push of `commit` to `main`, signed with `secret`, as GitHub would. */
async function pushWebhook(stackId, secret, commit) {
  const body = JSON.stringify({ ref: 'refs/heads/main', after: commit });
  const signature = createHmac('sha256', secret).update(body).digest('hex');
  return fetch(`${monitor.url}/hooks/git/${stackId}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${signature}`,
    },
    body,
  });
}

test('a pipeline run started by a push webhook appears in the open history and is seen to succeed', async (t) => {
  const { url, head, remove } = await createRepo({ Dockerfile: DOCKERFILE });
  t.after(remove);
  const serverId = await addEngine();
  const token = await adminToken();
  const input = {
    name: 'pushed',
    serverId,
    repo: { url },
    build: { networkMode: 'none' },
    pipeline: [{ kind: 'PULL' }, { kind: 'BUILD' }],
  };
  const { createStack: stack } = await monitor.data(
    'mutation($input: CreateStackInput!) { createStack(input: $input) { id webhookSecret } }',
    { input },
    token,
  );
  const page = await openStacks();
  await page.getByTestId('stack-row-pushed').getByTestId('stack-link').click();
  const history = page.getByTestId('stack-history');
  await history.getByText('Nothing has run yet.').waitFor();
  await history.getByTestId('stack-history-live').waitFor();
  // Each status every row shows, in order; a reload of the page would lose this record.
  await history.evaluate((card) => {
    window.seenStatuses = {};
    const record = () => {
      for (const row of card.querySelectorAll('[data-testid="stack-operation"]')) {
        const seen = (window.seenStatuses[row.dataset.id] ??= []);
        if (seen.at(-1) !== row.dataset.status) seen.push(row.dataset.status);
      }
    };
    new MutationObserver(record).observe(card, { subtree: true, childList: true, attributeFilter: ['data-status'] });
  });

  const response = await pushWebhook(stack.id, stack.webhookSecret, head);
  const answer = await response.json();
  assert.equal(response.status, 202, JSON.stringify(answer));

  const run = history.locator(`[data-testid="stack-operation"][data-id="${answer.operationId}"]`);
  await run.waitFor();
  assert.equal(await run.getAttribute('data-kind'), 'PIPELINE');
  assert.equal(await run.getAttribute('data-trigger'), 'WEBHOOK');
  const status = run.getByTestId('operation-status').filter({ hasText: FINISHED });
  await status.waitFor({ timeout: 60_000 });
  const ended = await monitor.data('query($id: ID!) { operation(id: $id) { error } }', { id: answer.operationId }, token);
  assert.equal(await status.innerText(), 'SUCCEEDED', ended.operation.error);

  const seen = await page.evaluate((id) => window.seenStatuses?.[id], answer.operationId);
  assert.ok(seen, 'the page was reloaded');
  assert.match(seen[0], /^(QUEUED|RUNNING)$/, seen.join(' → '));
  assert.equal(seen.at(-1), 'SUCCEEDED', seen.join(' → '));
  // Its steps are listed under the run, not beside it.
  assert.equal(await history.getByTestId('stack-operation').count(), 1);
  await run.getByTestId('stack-operation-steps').click();
  const steps = history.getByTestId('pipeline-step');
  await steps.nth(1).waitFor();
  const described = await steps.evaluateAll((items) => items.map((item) => `${item.dataset.kind} ${item.dataset.status}`));
  assert.deepEqual(described, ['PULL SUCCEEDED', 'BUILD SUCCEEDED']);
  // The run's end reads the stack again.
  await page.getByTestId('stack-commit').filter({ hasText: head.slice(0, 12) }).waitFor();
  await page.getByTestId('stack-built-image').filter({ hasText: `/pushed:${head.slice(0, 12)}` }).waitFor();
  await screenshot(page, 'stack-webhook-run');
});

test('rotating the webhook secret shows a different secret', async () => {
  const serverId = await addEngine();
  const token = await adminToken();
  const data = await monitor.data(
    'mutation($input: CreateStackInput!) { createStack(input: $input) { id webhookPath } }',
    // A webhook needs a repo to push to.
    { input: { name: 'hooked', serverId, repo: { url: 'https://git.example.com/team/hooked.git' } } },
    token,
  );
  const { id, webhookPath } = data.createStack;
  const page = await openStacks();
  await page.getByTestId('stack-row-hooked').getByTestId('stack-link').click();

  assert.equal(await page.getByTestId('stack-webhook-url').innerText(), `${monitor.url}${webhookPath}`);
  await page.getByTestId('stack-webhook-secret-hidden').waitFor();
  assert.equal(await page.getByTestId('stack-webhook-secret').count(), 0);
  await page.getByTestId('stack-webhook-reveal').click();
  const secret = page.getByTestId('stack-webhook-secret');
  const old = await secret.innerText();
  assert.ok(old.length >= 16, old);

  await page.getByTestId('stack-webhook-rotate').click();
  await page.getByTestId('stack-webhook-rotate-confirm').click();
  await secret.filter({ hasNotText: old }).waitFor();
  const rotated = await secret.innerText();
  const stored = await monitor.data('query($id: ID!) { stack(id: $id) { webhookSecret } }', { id }, token);
  assert.equal(stored.stack.webhookSecret, rotated);
  await screenshot(page, 'stack-webhook');
});

test('the stack page saves an edited configuration, shows a refused step at its entry, and deletes the stack', async () => {
  const serverId = await addEngine();
  const token = await adminToken();
  const data = await monitor.data(
    'mutation($input: CreateStackInput!) { createStack(input: $input) { id } }',
    { input: { name: 'edited', serverId } },
    token,
  );
  const page = await openStacks();
  await page.getByTestId('stack-row-edited').getByTestId('stack-link').click();
  await page.getByTestId('stack-actions-none').waitFor();

  await page.getByTestId('edit-stack-pipeline-add').click();
  await page.getByTestId('edit-stack-pipeline-0-kind').selectOption('BUILD');
  await page.getByTestId('edit-stack-save').click();
  assert.match(await page.getByTestId('edit-stack-pipeline-0-error').innerText(), /needs the stack to have a build/);

  await page.getByTestId('edit-stack-deploy-on').check();
  await page.getByTestId('edit-stack-deploy-image').fill(IMAGE);
  await page.getByTestId('edit-stack-pipeline-0-kind').selectOption('DEPLOY');
  await page.getByTestId('edit-stack-save').click();
  await page.getByTestId('edit-stack-done').waitFor();
  assert.equal(await page.getByTestId('edit-stack-pipeline-0-error').count(), 0);
  const actions = page.getByTestId('stack-actions').locator('button');
  await actions.first().waitFor();
  assert.deepEqual(await actions.allInnerTexts(), ['Deploy', 'Run pipeline']);

  const stored = await monitor.data(
    'query($id: ID!) { stack(id: $id) { deploy { image } pipeline { kind } } }',
    { id: data.createStack.id },
    token,
  );
  assert.deepEqual(stored.stack, { deploy: { image: IMAGE }, pipeline: [{ kind: 'DEPLOY' }] });

  await page.getByTestId('stack-delete').click();
  await page.getByTestId('stack-delete-confirm').click();
  await page.getByTestId('stacks-table').waitFor();
  await page.getByTestId('stack-row-edited').waitFor({ state: 'detached' });
  const names = await monitor.data(STACK_NAMES, {}, token);
  assert.ok(!names.stacks.nodes.some((stack) => stack.name === 'edited'));
});
