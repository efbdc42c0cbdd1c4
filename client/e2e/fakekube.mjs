// A fake Kubernetes API server for one test file, since none can run on the machines that
// test monitor: the API tests' own fake (tests/api/fake_kube, the wire format kube-rs
// speaks for the RampartGraph resource, with a fake Rampart controller that deploys a
// graph in half a second), run as a program by `cargo build --example fake_kube`.
// monitor reaches it through an ordinary kubeconfig file.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after } from 'node:test';

const REPO = resolve(import.meta.dirname, '../..');
export const FAKE_KUBE_BIN = process.env.FAKE_KUBE_BIN || join(REPO, 'target/debug/examples/fake_kube');
const START_TIMEOUT_MS = 20_000;

/**
 * Registers an after hook that stops the fake; it starts on the first call of `env()`
 * (so a server's before hook can ask for it, whatever order hooks run in).
 */
export function useFakeKube() {
  let started;
  const start = () => (started ??= startFakeKube());
  after(async () => {
    if (started) await (await started).stop();
  });
  return {
    /** The environment that points monitor at the fake. */
    env: async () => ({ MONITOR_KUBERNETES__KUBECONFIG: (await start()).kubeconfig }),
  };
}

async function startFakeKube() {
  const dir = await mkdtemp(join(tmpdir(), 'fake-kube-e2e-'));
  // It runs until its standard input closes: it cannot outlive this process.
  const child = spawn(FAKE_KUBE_BIN, [dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((done) => child.once('exit', (code, signal) => done(code ?? signal)));
  const stop = async () => {
    child.stdin.end();
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const ready = await new Promise((found, fail) => {
      const timer = setTimeout(() => fail(new Error(`${FAKE_KUBE_BIN} did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      createInterface({ input: child.stdout }).once('line', (line) => {
        clearTimeout(timer);
        found(JSON.parse(line));
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        fail(error);
      });
      exited.then((status) => {
        clearTimeout(timer);
        fail(new Error(`${FAKE_KUBE_BIN} exited (${status}) before serving`));
      });
    });
    return { kubeconfig: ready.kubeconfig, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
