// The "run container" form (OPERATOR), folded until asked for: image, name and the usual
// `docker run` options, each list written as people write them (one entry per line, or
// comma-separated where entries hold no commas). The server validates; its errors show
// at their fields.
import { useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { formErrors } from '../api/errors';
import type { ServerChoice } from '../servers/queries';
import { ServerSelect } from '../servers/ServerSelect';
import { ErrorNote } from '../ui/ErrorNote';
import { Field } from '../ui/Field';
import { splitArgs } from './argv';
import { RUN_CONTAINER, type RunContainerInput } from './queries';

const RESTART_POLICIES = ['no', 'always', 'unless-stopped', 'on-failure'];

interface Draft {
  serverId: string;
  name: string;
  image: string;
  command: string;
  env: string;
  ports: string;
  volumes: string;
  network: string;
  restartPolicy: string;
  labels: string;
}

const EMPTY: Draft = {
  serverId: '',
  name: '',
  image: '',
  command: '',
  env: '',
  ports: '',
  volumes: '',
  network: '',
  restartPolicy: '',
  labels: '',
};

const lines = (text: string) => text.split('\n').map((line) => line.trim()).filter(Boolean);
const items = (text: string) => text.split(/[\n,]/).map((item) => item.trim()).filter(Boolean);

/** The input, or the message for the command field when its quotes do not close. */
function toInput(draft: Draft): RunContainerInput | string {
  const input: RunContainerInput = { serverId: draft.serverId, name: draft.name, image: draft.image };
  if (draft.command.trim()) {
    const command = splitArgs(draft.command);
    if (!command) return 'a quote is left open';
    input.command = command;
  }
  const env = lines(draft.env);
  const ports = items(draft.ports);
  const volumes = items(draft.volumes);
  const labels = lines(draft.labels).map((line) => {
    const [key, ...value] = line.split('=');
    return { key, value: value.join('=') };
  });
  if (env.length > 0) input.env = env;
  if (ports.length > 0) input.ports = ports;
  if (volumes.length > 0) input.volumes = volumes;
  if (labels.length > 0) input.labels = labels;
  if (draft.network.trim()) input.network = draft.network.trim();
  if (draft.restartPolicy) input.restartPolicy = draft.restartPolicy;
  return input;
}

export function RunContainerForm({ servers, serverId, onRan }: { servers: ServerChoice[]; serverId: string; onRan: () => void }) {
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState<Draft>({ ...EMPTY, serverId });
  const [commandError, setCommandError] = useState<string | null>(null);
  const [started, setStarted] = useState<string | null>(null);
  const [{ fetching, error }, run] = useMutation(RUN_CONTAINER);
  const errors = formErrors(error);
  const set = (key: keyof Draft) => (e: { currentTarget: { value: string } }) => setDraft({ ...draft, [key]: e.currentTarget.value });

  if (!open) {
    return (
      <button type="button" class="primary" onClick={() => setOpen(true)} data-testid="run-container-open">
        Run container…
      </button>
    );
  }

  const submit = async (event: Event) => {
    event.preventDefault();
    setStarted(null);
    const input = toInput(draft);
    setCommandError(typeof input === 'string' ? input : null);
    if (typeof input === 'string') return;
    const result = await run({ input });
    if (result.data) {
      setStarted(result.data.runContainer.name);
      setDraft({ ...draft, name: '' });
      onRan();
    }
  };

  return (
    <form class="card form-row" onSubmit={submit} data-testid="run-container-form">
      <h2>Run container</h2>
      <Field label="Server" error={errors.fields.serverId} testid="run-container-server">
        <ServerSelect
          servers={servers}
          value={draft.serverId}
          onChange={(id) => setDraft({ ...draft, serverId: id })}
          testid="run-container-server"
        />
      </Field>
      <Field label="Image" error={errors.fields.image} testid="run-container-image">
        <input value={draft.image} placeholder="nginx:1.27" onInput={set('image')} data-testid="run-container-image" />
      </Field>
      <Field label="Name" error={errors.fields.name} testid="run-container-name">
        <input value={draft.name} autocomplete="off" onInput={set('name')} data-testid="run-container-name" />
      </Field>
      <Field label="Command (optional)" error={commandError ?? errors.fields.command} testid="run-container-command" wide>
        <input
          class="mono"
          value={draft.command}
          placeholder={`the image's own; e.g. sh -c 'echo hi'`}
          onInput={set('command')}
          data-testid="run-container-command"
        />
      </Field>
      <Field label="Ports" error={errors.fields.ports} testid="run-container-ports">
        <input value={draft.ports} placeholder="8080:80, 127.0.0.1:53:53/udp" onInput={set('ports')} data-testid="run-container-ports" />
      </Field>
      <Field label="Volumes" error={errors.fields.volumes} testid="run-container-volumes">
        <input value={draft.volumes} placeholder="/srv/data:/data:ro" onInput={set('volumes')} data-testid="run-container-volumes" />
      </Field>
      <Field label="Network" error={errors.fields.network} testid="run-container-network">
        <input value={draft.network} placeholder="the engine's default" onInput={set('network')} data-testid="run-container-network" />
      </Field>
      <Field label="Restart policy" error={errors.fields.restartPolicy} testid="run-container-restart-policy">
        <select value={draft.restartPolicy} onChange={set('restartPolicy')} data-testid="run-container-restart-policy">
          <option value="">the engine's default</option>
          {RESTART_POLICIES.map((policy) => (
            <option key={policy}>{policy}</option>
          ))}
        </select>
      </Field>
      <Field label="Environment (KEY=value per line)" error={errors.fields.env} testid="run-container-env">
        <textarea rows={3} class="mono" value={draft.env} onInput={set('env')} data-testid="run-container-env" />
      </Field>
      <Field label="Labels (key=value per line)" error={errors.fields.labels} testid="run-container-labels">
        <textarea rows={3} class="mono" value={draft.labels} onInput={set('labels')} data-testid="run-container-labels" />
      </Field>
      <button type="submit" class="primary" disabled={fetching} data-testid="run-container-submit">
        {fetching ? 'Starting…' : 'Run'}
      </button>
      <button type="button" onClick={() => setOpen(false)}>
        Close
      </button>
      <ErrorNote message={errors.general} testid="run-container-error" />
      {started && (
        <span class="ok-note" data-testid="run-container-done">
          Started {started}.
        </span>
      )}
    </form>
  );
}
