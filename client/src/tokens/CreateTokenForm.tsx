// The "new token" form, and the one time the new token is shown, with a copy button.
import { useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { formErrors } from '../api/errors';
import { ErrorNote } from '../ui/ErrorNote';
import { Field } from '../ui/Field';
import { OneTimeSecret } from '../ui/OneTimeSecret';
import { localInputToIso } from '../ui/Time';
import { CREATE_API_TOKEN } from './queries';

export function CreateTokenForm() {
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [{ fetching, error }, create] = useMutation(CREATE_API_TOKEN);
  const errors = formErrors(error);

  const submit = async (event: Event) => {
    event.preventDefault();
    setCreated(null);
    const result = await create({ input: { name, expiresAt: localInputToIso(expires) } });
    if (result.data) {
      setCreated({ name: result.data.createApiToken.apiToken.name, token: result.data.createApiToken.token });
      setName('');
      setExpires('');
    }
  };

  return (
    <div class="stack">
      <form class="card form-row" onSubmit={submit} data-testid="create-token-form">
        <h2>New token</h2>
        <Field label="Name" error={errors.fields.name} testid="create-token-name">
          <input
            value={name}
            placeholder="e.g. ci-deploy"
            onInput={(e) => setName(e.currentTarget.value)}
            data-testid="create-token-name"
          />
        </Field>
        <Field label="Expires (optional)" error={errors.fields.expiresAt} testid="create-token-expires">
          <input
            type="datetime-local"
            value={expires}
            onInput={(e) => setExpires(e.currentTarget.value)}
            data-testid="create-token-expires"
          />
        </Field>
        <button type="submit" class="primary" disabled={fetching} data-testid="create-token-submit">
          Create
        </button>
        <ErrorNote message={errors.general} testid="create-token-error" />
      </form>
      {created && <NewToken {...created} onDismiss={() => setCreated(null)} />}
    </div>
  );
}

function NewToken({ name, token, onDismiss }: { name: string; token: string; onDismiss: () => void }) {
  return (
    <OneTimeSecret secret={token} onDismiss={onDismiss} testid="new-token">
      <p>
        Token <span class="mono">{name}</span> created. Copy it now: it is not shown again.
      </p>
    </OneTimeSecret>
  );
}
