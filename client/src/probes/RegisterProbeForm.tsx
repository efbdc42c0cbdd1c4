// The "register probe" form (OPERATOR), and the one time the new probe's token is shown,
// with the command that runs the probe. The server validates; its errors show at their
// fields.
import { useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { nestedFormErrors } from '../api/errors';
import { parseTags } from '../servers/ServerFields';
import { ErrorNote } from '../ui/ErrorNote';
import { Field } from '../ui/Field';
import { OneTimeSecret } from '../ui/OneTimeSecret';
import { REGISTER_PROBE } from './queries';

const EMPTY = { name: '', latitude: '', longitude: '', tags: '' };

const COORDINATES = [
  { key: 'latitude', label: 'Latitude (−90 to 90)' },
  { key: 'longitude', label: 'Longitude (−180 to 180)' },
] as const;

export function RegisterProbeForm() {
  const [draft, setDraft] = useState(EMPTY);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [{ fetching, error }, register] = useMutation(REGISTER_PROBE);
  const errors = nestedFormErrors(error);
  const set = (key: keyof typeof EMPTY) => (event: { currentTarget: HTMLInputElement }) =>
    setDraft({ ...draft, [key]: event.currentTarget.value });

  const submit = async (event: Event) => {
    event.preventDefault();
    setCreated(null);
    const location = { latitude: Number(draft.latitude), longitude: Number(draft.longitude) };
    const result = await register({ input: { name: draft.name, location, tags: parseTags(draft.tags) } });
    if (result.data) {
      setCreated({ name: result.data.registerProbe.probe.name, token: result.data.registerProbe.token });
      setDraft(EMPTY);
    }
  };

  return (
    <div class="stack">
      <form class="card form-row" onSubmit={submit} data-testid="register-probe-form">
        <h2>Register probe</h2>
        <Field label="Name" error={errors.fields.name} testid="register-probe-name">
          <input value={draft.name} placeholder="e.g. fra-1" onInput={set('name')} data-testid="register-probe-name" />
        </Field>
        {COORDINATES.map(({ key, label }) => (
          <Field key={key} label={label} error={errors.fields[`location.${key}`]} testid={`register-probe-${key}`}>
            <input type="number" step="any" required value={draft[key]} onInput={set(key)} data-testid={`register-probe-${key}`} />
          </Field>
        ))}
        <Field label="Tags (comma or space separated)" error={errors.fields.tags} testid="register-probe-tags">
          <input value={draft.tags} placeholder="eu, isp-a" onInput={set('tags')} data-testid="register-probe-tags" />
        </Field>
        <button type="submit" class="primary" disabled={fetching} data-testid="register-probe-submit">
          Register
        </button>
        <ErrorNote message={errors.general} testid="register-probe-error" />
      </form>
      {created && <NewProbeToken {...created} onDismiss={() => setCreated(null)} />}
    </div>
  );
}

function NewProbeToken({ name, token, onDismiss }: { name: string; token: string; onDismiss: () => void }) {
  const command = `monitor probe --server ${window.location.origin} --token-file probe-token`;
  return (
    <OneTimeSecret secret={token} onDismiss={onDismiss} testid="new-probe-token">
      <p>
        Probe <span class="mono">{name}</span> registered. Its token is shown this once: put it in a file (here{' '}
        <span class="mono">probe-token</span>) on the probe's machine and run:
      </p>
      <p>
        <code class="secret">{command}</code>
      </p>
    </OneTimeSecret>
  );
}
