// The "new user" form; the server validates, and its BAD_USER_INPUT errors show per field.
import { useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { formErrors } from '../api/errors';
import { ROLES, type Role } from '../api/types';
import { ErrorNote } from '../ui/ErrorNote';
import { Field } from '../ui/Field';
import { CREATE_USER, type CreateUserInput } from './queries';

const EMPTY: CreateUserInput = { username: '', password: '', role: 'VIEWER' };

export function CreateUserForm() {
  const [draft, setDraft] = useState(EMPTY);
  const [created, setCreated] = useState<string | null>(null);
  const [{ fetching, error }, create] = useMutation(CREATE_USER);
  const errors = formErrors(error);

  const submit = async (event: Event) => {
    event.preventDefault();
    setCreated(null);
    const result = await create({ input: draft });
    if (result.data) {
      setCreated(result.data.createUser.username);
      setDraft(EMPTY);
    }
  };

  return (
    <form class="card form-row" onSubmit={submit} data-testid="create-user-form">
      <h2>New user</h2>
      <Field label="Username" error={errors.fields.username} testid="create-user-username">
        <input
          value={draft.username}
          autocomplete="off"
          onInput={(e) => setDraft({ ...draft, username: e.currentTarget.value })}
          data-testid="create-user-username"
        />
      </Field>
      <Field label="Password" error={errors.fields.password} testid="create-user-password">
        <input
          type="password"
          value={draft.password}
          autocomplete="new-password"
          onInput={(e) => setDraft({ ...draft, password: e.currentTarget.value })}
          data-testid="create-user-password"
        />
      </Field>
      <Field label="Role" error={errors.fields.role} testid="create-user-role">
        <select
          value={draft.role}
          onChange={(e) => setDraft({ ...draft, role: e.currentTarget.value as Role })}
          data-testid="create-user-role"
        >
          {ROLES.map((role) => (
            <option key={role}>{role}</option>
          ))}
        </select>
      </Field>
      <button type="submit" class="primary" disabled={fetching} data-testid="create-user-submit">
        Create
      </button>
      <ErrorNote message={errors.general} testid="create-user-error" />
      {created && (
        <span class="ok-note" data-testid="create-user-done">
          Created {created}.
        </span>
      )}
    </form>
  );
}
