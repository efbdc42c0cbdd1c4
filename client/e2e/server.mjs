// Starts the real monitor server for one test file: port 0, a fresh data dir, a random
// admin password. Resolves once it logs "listening" with its address; stop() kills it and
// removes the data dir.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const REPO = resolve(import.meta.dirname, '../..');
export const MONITOR_BIN = process.env.MONITOR_BIN || join(REPO, 'target/debug/monitor');
const START_TIMEOUT_MS = 60_000;
const KEPT_LOG_LINES = 300;

/** The address of a `{"fields":{"message":"listening","address":"…"}}` log line, if it is one. */
function listeningAddress(line) {
  try {
    const { fields } = JSON.parse(line);
    return fields?.message === 'listening' && typeof fields.address === 'string' ? fields.address : null;
  } catch {
    return null;
  }
}

/** `env` adds to (or overrides) the server's environment, e.g. `MONITOR_REGISTRY__URL`. */
export async function startServer({ env = {} } = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'monitor-e2e-'));
  const adminPassword = randomBytes(12).toString('hex');
  // cwd is the data dir so that no stray monitor.toml is picked up.
  const child = spawn(
    MONITOR_BIN,
    ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir, '--log-format', 'json'],
    {
      cwd: dataDir,
      // Servers' state is checked every second, so tests see it change without waiting long.
      env: { ...process.env, MONITOR_ADMIN_PASSWORD: adminPassword, MONITOR_SERVER_CHECK_SECONDS: '1', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const logs = [];
  let stopping = false;
  const exited = new Promise((done) => child.once('exit', (code, signal) => done(code ?? signal)));
  exited.then((status) => {
    if (!stopping) console.error(`monitor died (${status}); its last log lines:\n${logs.join('\n')}`);
  });

  const stop = async () => {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    const address = await new Promise((found, fail) => {
      const timer = setTimeout(() => fail(new Error(`no "listening" log within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      createInterface({ input: child.stderr }).on('line', (line) => {
        logs.push(line);
        if (logs.length > KEPT_LOG_LINES) logs.shift();
        const address = listeningAddress(line);
        if (address) {
          clearTimeout(timer);
          found(address);
        }
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        fail(error);
      });
      exited.then((status) => {
        clearTimeout(timer);
        fail(new Error(`monitor exited (${status}) before listening`));
      });
    });
    return { url: `http://${address}`, adminPassword, logs, stop };
  } catch (error) {
    await stop();
    error.message += `\n${MONITOR_BIN} said:\n${logs.join('\n')}`;
    throw error;
  }
}
