// A fake Kubernetes API server and a fake Grafana for one test file, since neither can run
// on the machines that test monitor: the API tests' own fakes (tests/api/fake_kube, the
// wire format kube-rs speaks for the RampartGraph resource, with a fake Rampart
// controller that deploys a graph in half a second; tests/api/fake_grafana.rs, Grafana's
// dashboard API), run as one program built by `cargo build --example fakes`. monitor
// reaches them through an ordinary kubeconfig file and Grafana's URL and token; `edit()`
// changes a resource behind monitor's back, as `kubectl edit` would.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after } from 'node:test';

const REPO = resolve(import.meta.dirname, '../..');
export const FAKES_BIN = process.env.FAKES_BIN || join(REPO, 'target/debug/examples/fakes');
const START_TIMEOUT_MS = 20_000;

/**
 * Registers an after hook that stops the fake; it starts on the first call of `env()`
 * (so a server's before hook can ask for it, whatever order hooks run in).
 */
export function useFakes() {
  let started;
  const start = () => (started ??= startFakes());
  after(async () => {
    if (started) await (await started).stop();
  });
  return {
    /** The environment that points monitor at the fakes. */
    async env() {
      const { ready } = await start();
      return {
        MONITOR_KUBERNETES__KUBECONFIG: ready.kubeconfig,
        MONITOR_GRAFANA__URL: ready.grafanaUrl,
        MONITOR_GRAFANA__TOKEN: ready.grafanaToken,
      };
    },
    /** Where the fake Grafana serves. */
    grafanaUrl: async () => (await start()).ready.grafanaUrl,
    /** Merge-patches `namespace/name` as field manager `manager`; resolves to its new generation. */
    edit: async (namespace, name, patch, manager = 'kubectl-edit') => (await start()).edit({ namespace, name, patch, manager }),
  };
}

async function startFakes() {
  const dir = await mkdtemp(join(tmpdir(), 'fakes-e2e-'));
  // It runs until its standard input closes: it cannot outlive this process.
  const child = spawn(FAKES_BIN, [dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  // A program that could not start fails with 'error' and may never send 'exit'.
  const exited = new Promise((done) => {
    child.once('exit', (code, signal) => done(code ?? signal));
    child.once('error', done);
  });
  const stop = async () => {
    child.stdin.end();
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  // Its first line says where it serves; each later one answers an edit, in order.
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const nextLine = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`${FAKES_BIN} stopped (${await exited})`);
    return JSON.parse(value);
  };
  let timer;
  try {
    const timeout = new Promise((_, fail) => {
      timer = setTimeout(() => fail(new Error(`${FAKES_BIN} did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    });
    const failed = once(child, 'error').then(([error]) => Promise.reject(error));
    const ready = await Promise.race([nextLine(), timeout, failed]);
    let queue = Promise.resolve();
    const edit = (request) => {
      const answer = queue.then(async () => {
        child.stdin.write(`${JSON.stringify(request)}\n`);
        const reply = await nextLine();
        if (reply.error) throw new Error(`the fake refused the edit: ${reply.error}`);
        return reply.generation;
      });
      queue = answer.catch(() => {});
      return answer;
    };
    return { ready, edit, stop };
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
