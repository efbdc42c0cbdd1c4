// A real image registry for one test file: Debian's `docker-registry` (the CNCF
// distribution registry) on a free 127.0.0.1 port, storing in a temporary directory.
// Engines treat 127.0.0.0/8 registries as insecure, so plain HTTP works. The Rust tests
// do the same in tests/api/registry.rs.
import { spawn } from 'node:child_process';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

const READY_TIMEOUT_MS = 20_000;
const POLL_MS = 100;

/**
 * Registers an after hook that stops the registry; it starts on the first call of
 * `url()` (so a server's before hook can ask for it, whatever order hooks run in).
 */
export function useRegistry() {
  let started;
  const start = () => (started ??= startRegistry());
  after(async () => {
    if (started) await (await started).stop();
  });
  return {
    /** `http://127.0.0.1:PORT`, for monitor's `registry.url`. */
    url: async () => (await start()).url,
  };
}

function freePort() {
  return new Promise((found, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => found(port));
    });
  });
}

async function startRegistry() {
  const dir = await mkdtemp(join(tmpdir(), 'registry-e2e-'));
  const port = await freePort();
  const config = join(dir, 'config.yml');
  const yaml = [
    'version: 0.1',
    'log:',
    '  level: warn',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    'http:',
    `  addr: 127.0.0.1:${port}`,
  ];
  await writeFile(config, `${yaml.join('\n')}\n`);
  const log = await open(join(dir, 'registry.log'), 'w');
  const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', log.fd, log.fd] });
  const exited = new Promise((done) => child.once('exit', done));
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await log.close();
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await ready(url, child);
    return { url, stop };
  } catch (error) {
    error.message += `\ndocker-registry said:\n${await readFile(join(dir, 'registry.log'), 'utf8').catch(() => '')}`;
    await stop();
    throw error;
  }
}

/** Polls `GET /v2/` until the registry answers 200. */
async function ready(url, child) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode})`);
    const response = await fetch(`${url}/v2/`).catch(() => null);
    if (response?.ok) return;
    if (Date.now() > deadline) throw new Error(`docker-registry did not answer within ${READY_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
