// Shared by the browser tests: one real server and one Chromium per test file, signing in
// through the UI, GraphQL from node, and screenshots into test-results/.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before } from 'node:test';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';

const RESULTS = resolve(import.meta.dirname, '../test-results');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Registers before/after hooks that start and stop a server and a browser for this file.
 * `env`, if given, resolves to more environment for the server (a registry's URL, say).
 */
export function useMonitor({ env } = {}) {
  let server;
  let browser;
  const tokens = new Map();
  before(async () => {
    server = await startServer({ env: await env?.() });
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  return {
    get url() {
      return server.url;
    },
    get adminPassword() {
      return server.adminPassword;
    },
    /** A fresh browser context (its own localStorage) with a window of `viewport`. */
    newContext: (viewport = { width: 1280, height: 800 }) => browser.newContext({ baseURL: server.url, viewport }),
    /** A page in a fresh 1280×800 browser context, or in `context`'s. */
    async newPage(context) {
      const ctx = context ?? (await this.newContext());
      return ctx.newPage();
    },
    graphql: (query, variables, token) => graphql(server.url, query, variables, token),
    /**
     * A session token for `username`, obtained through the login mutation once per
     * file: the server throttles logins per client address (10 a minute by default),
     * and a file's setup calls would otherwise spend the budget its sign-ins need.
     */
    tokenFor(username, password) {
      const key = JSON.stringify([username, password]);
      if (!tokens.has(key)) {
        tokens.set(
          key,
          graphqlData(server.url, LOGIN, { input: { username, password } }).then((data) => data.login.token),
        );
      }
      return tokens.get(key);
    },
    data: (query, variables, token) => graphqlData(server.url, query, variables, token),
  };
}

const LOGIN = 'mutation($input: LoginInput!) { login(input: $input) { token } }';

export async function graphql(url, query, variables, token) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

/** `data` of a GraphQL answer that must have no errors. */
export async function graphqlData(url, query, variables, token) {
  const result = await graphql(url, query, variables, token);
  if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data;
}

export async function signIn(page, username, password) {
  await page.goto('/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('viewer').waitFor();
}

export async function screenshot(page, name) {
  await mkdir(RESULTS, { recursive: true });
  await page.screenshot({ path: join(RESULTS, `${name}.png`), fullPage: true });
}

const CREATE_SERVER = 'mutation($input: CreateServerInput!) { createServer(input: $input) { id } }';

/** Adds a server as the admin, through the API; resolves to its id. */
export async function addServer(monitor, name, endpoint) {
  const token = await monitor.tokenFor('admin', monitor.adminPassword);
  const data = await monitor.data(CREATE_SERVER, { input: { name, endpoint } }, token);
  return data.createServer.id;
}

/**
 * `promise`, or a failure naming `what` after `ms`: for waits Playwright cannot bound
 * itself, so a test fails instead of hanging the suite.
 */
export async function within(ms, promise, what) {
  let timer;
  const timeout = new Promise((_, fail) => {
    timer = setTimeout(() => fail(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The statuses of an operation that has ended. */
export const FINISHED = /SUCCEEDED|FAILED|CANCELLED|INTERRUPTED/;

/**
 * Runs `start`, a click that starts an operation and puts its id in the page's URL
 * (`?operation=…`), waits for the operation to end and for it to have succeeded;
 * returns its detail.
 */
export async function followOperation(page, start, what) {
  const before = page.url();
  await start();
  await page.waitForURL((url) => url.href !== before);
  const id = new URL(page.url()).searchParams.get('operation');
  const detail = page.locator(`[data-testid="operation-detail"][data-operation-id="${id}"]`);
  const status = detail.getByTestId('operation-status').filter({ hasText: FINISHED });
  await status.waitFor({ timeout: 60_000 });
  const output = await detail.locator('.log-text').allInnerTexts();
  assert.equal(await status.innerText(), 'SUCCEEDED', `${what}:\n${output.join('\n')}`);
  return detail;
}
