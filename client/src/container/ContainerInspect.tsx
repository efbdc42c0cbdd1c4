// What a container is: how it runs (command, restart policy, network, times, exit), its
// ports, mounts and labels, its health with the last checks, and its environment with
// secret-looking values masked (operators may reveal them).
import { Time } from '../ui/Time';
import type { ContainerDetails } from './queries';

const argv = (args: string[]) => (args.length > 0 ? args.join(' ') : null);

function Pairs({ pairs, empty, testid }: { pairs: [string, string][]; empty: string; testid: string }) {
  if (pairs.length === 0) return <p class="muted">{empty}</p>;
  return (
    <dl class="facts" data-testid={testid}>
      {pairs.map(([key, value]) => [
        <dt class="mono" key={`k-${key}`}>
          {key}
        </dt>,
        <dd class="mono" key={`v-${key}`}>
          {value}
        </dd>,
      ])}
    </dl>
  );
}

export function ContainerInspect({ container }: { container: ContainerDetails }) {
  const c = container;
  const ports = c.ports.map((p) => [
    `${p.containerPort}/${p.protocol}`,
    p.hostPort ? `${p.hostIp || '0.0.0.0'}:${p.hostPort}` : 'not published',
  ]) as [string, string][];
  const mounts = c.mounts.map((m) => [m.destination, `${m.kind} ${m.source}${m.readOnly ? ' (read-only)' : ''}`]) as [string, string][];
  return (
    <section class="card" data-testid="container-inspect">
      <h2>Configuration</h2>
      <dl class="facts">
        <dt>Command</dt>
        <dd class="mono" data-testid="inspect-command">
          {argv(c.command) ?? <span class="muted">the image's</span>}
        </dd>
        {c.entrypoint.length > 0 && [<dt key="ep">Entrypoint</dt>, <dd key="epv" class="mono">{argv(c.entrypoint)}</dd>]}
        {c.workingDirectory && [<dt key="wd">Working directory</dt>, <dd key="wdv" class="mono">{c.workingDirectory}</dd>]}
        <dt>Restart policy</dt>
        <dd class="mono" data-testid="inspect-restart">
          {c.restartPolicy ?? 'no'}
          {c.restartCount > 0 && <span class="muted"> · restarted {c.restartCount}×</span>}
        </dd>
        <dt>Network</dt>
        <dd class="mono">{c.networkMode ?? '–'}</dd>
        <dt>Created</dt>
        <dd>
          <Time value={c.createdAt} />
        </dd>
        <dt>Started</dt>
        <dd>
          <Time value={c.startedAt} />
        </dd>
        {c.finishedAt && [
          <dt key="f">Finished</dt>,
          <dd key="fv">
            <Time value={c.finishedAt} /> {c.exitCode !== null && <span class="mono">exit {c.exitCode}</span>}
            {c.oomKilled && <span class="error-text"> · killed: out of memory</span>}
          </dd>,
        ]}
        {c.error && [<dt key="e">Engine error</dt>, <dd key="ev" class="error-text">{c.error}</dd>]}
      </dl>
      <h2>Ports</h2>
      <Pairs pairs={ports} empty="No ports." testid="inspect-ports" />
      <h2>Mounts</h2>
      <Pairs pairs={mounts} empty="No mounts." testid="inspect-mounts" />
      <h2>Labels</h2>
      <Pairs pairs={c.labels.map((l) => [l.key, l.value])} empty="No labels." testid="inspect-labels" />
    </section>
  );
}

export function ContainerHealthCard({ container }: { container: ContainerDetails }) {
  const { health, failingStreak, healthChecks } = container;
  return (
    <section class="card" data-testid="container-health">
      <h2>Health</h2>
      {health === 'NONE' ? (
        <p class="muted">The image defines no health check.</p>
      ) : (
        <>
          <p>
            <span class="mono">{health.toLowerCase()}</span>
            {failingStreak ? <span class="muted"> · {failingStreak} failed in a row</span> : null}
          </p>
          <div class="scroll-x">
            <table class="grid" data-testid="health-checks">
              <thead>
                <tr>
                  <th>Ended</th>
                  <th>Exit</th>
                  <th>Output</th>
                </tr>
              </thead>
              <tbody>
                {healthChecks.map((check, index) => (
                  <tr key={index} data-testid="health-check">
                    <td>
                      <Time value={check.endedAt} />
                    </td>
                    <td class="mono">{check.exitCode ?? '–'}</td>
                    <td class="mono health-output">{check.output.trim() || <span class="muted">no output</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

interface EnvironmentProps {
  container: ContainerDetails;
  revealed: boolean;
  canReveal: boolean;
  onReveal: (reveal: boolean) => void;
}

export function ContainerEnvironment({ container, revealed, canReveal, onReveal }: EnvironmentProps) {
  const secrets = container.environment.filter((v) => v.secret).length;
  return (
    <section class="card" data-testid="container-environment">
      <div class="toolbar">
        <h2>Environment</h2>
        {secrets > 0 && (
          <span class="muted">
            {secrets} secret-looking value{secrets === 1 ? '' : 's'} {revealed ? 'shown' : 'masked'}
          </span>
        )}
        {secrets > 0 && canReveal && (
          <button type="button" onClick={() => onReveal(!revealed)} data-testid="env-reveal">
            {revealed ? 'Mask' : 'Reveal'}
          </button>
        )}
      </div>
      {container.environment.length === 0 ? (
        <p class="muted">No variables.</p>
      ) : (
        <dl class="facts">
          {container.environment.map((v) => [
            <dt class="mono" key={`k-${v.name}`}>
              {v.name}
            </dt>,
            <dd class={`mono${v.masked ? ' muted' : ''}`} key={`v-${v.name}`} data-testid={`env-${v.name}`}>
              {v.value}
            </dd>,
          ])}
        </dl>
      )}
    </section>
  );
}
