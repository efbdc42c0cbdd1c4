// Real `monitor probe` processes for the browser tests: each registered through the API
// (as the admin), given its token in a file, and run against the test's server until
// stop(), which kills it and removes its directory (token file and spool).
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MONITOR_BIN } from './server.mjs';

const REGISTER = `mutation($input: RegisterProbeInput!) {
  registerProbe(input: $input) { token probe { id name } }
}`;

/** Registers a probe named `name` at `location`; resolves to its id and token. */
export async function registerProbe(monitor, name, location, tags = []) {
  const admin = await monitor.tokenFor('admin', monitor.adminPassword);
  const { registerProbe } = await monitor.data(REGISTER, { input: { name, location, tags } }, admin);
  return { id: registerProbe.probe.id, token: registerProbe.token };
}

/** Registers a probe and starts `monitor probe` for it; resolves once the process runs. */
export async function startProbe(monitor, name, location, tags = []) {
  const { id, token } = await registerProbe(monitor, name, location, tags);
  return runProbe(monitor, { id, name, token });
}

/** Starts `monitor probe` for a registered probe; resolves once the process runs. */
export async function runProbe(monitor, { id, name, token }) {
  const dir = await mkdtemp(join(tmpdir(), 'monitor-e2e-probe-'));
  const tokenFile = join(dir, 'probe-token');
  await writeFile(tokenFile, `${token}\n`, { mode: 0o600 });
  const child = spawn(
    MONITOR_BIN,
    ['probe', '--server', monitor.url, '--token-file', tokenFile, '--spool', join(dir, 'spool'), '--log-format', 'json'],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const logs = [];
  child.stderr.on('data', (chunk) => logs.push(chunk.toString()));
  const exited = new Promise((done) => child.once('exit', (code, signal) => done(code ?? signal)));
  await new Promise((started, failed) => {
    child.once('spawn', started);
    child.once('error', failed);
  });
  return {
    id,
    name,
    logs,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
