// The GraphiQL page: loads with no internet, and sends the session token over HTTP and in
// the subscriptions' connection_init.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, signIn, useMonitor, within } from './helpers.mjs';

const monitor = useMonitor();
const CREATE_TOKEN = 'mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }';

async function openGraphiql(query) {
  const page = await monitor.newPage();
  const foreign = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(monitor.url) && !request.url().startsWith('data:')) foreign.push(request.url());
  });
  await signIn(page, 'admin', monitor.adminPassword);
  await page.goto(`/graphiql?query=${encodeURIComponent(query)}`);
  await page.getByTestId('graphiql-token-state').filter({ hasText: 'token set' }).waitFor();
  // GraphiQL draws its run button before it has loaded its editor (CodeMirror comes in a
  // separate chunk), and a click before then runs nothing: wait for the query to show.
  await page.locator('.graphiql-query-editor .CodeMirror-code').filter({ hasText: query }).waitFor();
  return { page, foreign };
}

test('GraphiQL runs a query with the session token and loads nothing from outside', async () => {
  const { page, foreign } = await openGraphiql('{ viewer { username role } }');
  await page.locator('.graphiql-execute-button').click();

  await page.locator('.result-window').filter({ hasText: '"username": "admin"' }).waitFor();
  await screenshot(page, 'graphiql');
  assert.deepEqual(foreign, []);
});

test('a subscription in GraphiQL receives events over the websocket', async () => {
  const { page } = await openGraphiql('subscription { auditEventAdded { kind summary } }');
  // graphql-ws sends "subscribe" only once the server acknowledged connection_init. The
  // frame listener is attached as the socket opens: one attached after an `await` can
  // miss frames Playwright delivers in the same batch.
  const subscribed = new Promise((resolve) =>
    page.on('websocket', (ws) =>
      ws.on('framesent', (frame) => {
        if (String(frame.payload).includes('"type":"subscribe"')) resolve();
      }),
    ),
  );
  await page.locator('.graphiql-execute-button').click();
  await within(30_000, subscribed, 'GraphiQL sending its subscription');

  const token = await monitor.tokenFor('admin', monitor.adminPassword);
  await monitor.data(CREATE_TOKEN, { input: { name: 'seen-in-graphiql' } }, token);
  await page.locator('.result-window').filter({ hasText: 'API_TOKEN_CREATED' }).waitFor();
});
