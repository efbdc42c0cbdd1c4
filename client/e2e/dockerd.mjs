// A real Docker engine for one test file: a private dockerd (own socket, data root, exec
// root and pidfile; no bridge, no iptables) with a FROM-scratch image of the static
// busybox imported into it, since nothing can be pulled here. Containers must use network
// "host". The Rust tests do the same in tests/api/dockerd.rs.
import { execFile, spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, open, readFile, rm, symlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { promisify } from 'node:util';

export const IMAGE = 'monitor-test/busybox:latest';
const READY_TIMEOUT_MS = 60_000;
const POLL_MS = 100;
const TOOLS = ['sh', 'echo', 'cat', 'sleep', 'seq', 'yes', 'true', 'false', 'printf', 'ls', 'date', 'head'];
const run = promisify(execFile);

/** Registers before/after hooks that start and stop a private engine for this file. */
export function useDockerd() {
  let engine;
  before(async () => {
    engine = await startDockerd();
  });
  after(async () => {
    await engine?.stop();
  });
  return {
    /** `unix:///…/docker.sock`, as a server's endpoint. */
    get host() {
      return engine.host;
    },
    docker: (...args) => engine.docker(...args),
    /** `docker run -d --network host …`; resolves to the container id. */
    run: async (...args) => (await engine.docker('run', '-d', '--network', 'host', ...args)).trim(),
  };
}

export async function startDockerd() {
  // A short path: the socket's must fit in a sockaddr_un (108 bytes).
  const dir = await mkdtemp('/tmp/dke2e-');
  const host = `unix://${join(dir, 'docker.sock')}`;
  const log = await open(join(dir, 'dockerd.log'), 'w');
  const child = spawn(
    'dockerd',
    [
      '--host', host,
      '--data-root', join(dir, 'data'),
      '--exec-root', join(dir, 'exec'),
      '--pidfile', join(dir, 'docker.pid'),
      '--bridge=none', '--iptables=false', '--ip6tables=false', '--shutdown-timeout=1',
    ],
    { stdio: ['ignore', 'ignore', log.fd] },
  );
  const exited = new Promise((done) => child.once('exit', done));
  const docker = async (...args) => (await run('docker', args, { env: { ...process.env, DOCKER_HOST: host } })).stdout;
  const logText = () => readFile(join(dir, 'dockerd.log'), 'utf8').catch(() => '');

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }
    await log.close();
    // dockerd leaves its default network namespace mounted under the exec root.
    await run('umount', [join(dir, 'exec/netns/default')]).catch(() => {});
    await rm(dir, { recursive: true, force: true }).catch(() => {});
  };

  try {
    await ready(docker, child);
    await importImage(dir, host);
    return { host, docker, stop };
  } catch (error) {
    error.message += `\ndockerd said:\n${await logText()}`;
    await stop();
    throw error;
  }
}

/** Polls `docker version` until the engine answers: it gives no other sign of readiness. */
async function ready(docker, child) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dockerd exited (${child.exitCode})`);
    try {
      await docker('version', '--format', '{{.Server.Version}}');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`dockerd did not answer within ${READY_TIMEOUT_MS} ms: ${error.message}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function importImage(dir, host) {
  const bin = join(dir, 'rootfs/bin');
  await mkdir(bin, { recursive: true });
  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((path) => existsSync(path));
  if (!busybox) throw new Error('a static busybox is needed (install busybox-static)');
  await copyFile(busybox, join(bin, 'busybox'));
  await Promise.all(TOOLS.map((tool) => symlink('busybox', join(bin, tool))));
  await run('sh', [
    '-c',
    `tar -C "$1" -c . | docker import -c 'CMD ["/bin/sh"]' -c 'ENV PATH=/bin' - "$2"`,
    'import',
    join(dir, 'rootfs'),
    IMAGE,
  ], { env: { ...process.env, DOCKER_HOST: host } });
}
