// One user in the table: shown, or edited in place (role, new password), or deleted after
// a confirmation.
import { useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { formErrors } from '../api/errors';
import { ROLES, type Role } from '../api/types';
import { ConfirmButton } from '../ui/ConfirmButton';
import { ErrorNote } from '../ui/ErrorNote';
import { Field } from '../ui/Field';
import { Time } from '../ui/Time';
import { DELETE_USER, UPDATE_USER, type UserDetails } from './queries';

export function UserRow({ user, isViewer }: { user: UserDetails; isViewer: boolean }) {
  const [editing, setEditing] = useState(false);
  const [{ fetching, error }, remove] = useMutation(DELETE_USER);

  return (
    <tr data-testid={`user-row-${user.username}`}>
      <td class="mono">
        {user.username}
        {isViewer && <span class="muted"> (you)</span>}
      </td>
      {editing ? (
        <td colSpan={3}>
          <EditUser user={user} onDone={() => setEditing(false)} />
        </td>
      ) : (
        <>
          <td data-testid="user-role">{user.role}</td>
          <td>
            <Time value={user.createdAt} />
          </td>
          <td>
            <Time value={user.updatedAt} />
          </td>
        </>
      )}
      <td class="actions">
        {!editing && (
          <button type="button" onClick={() => setEditing(true)} data-testid="user-edit">
            Edit
          </button>
        )}
        <ConfirmButton
          label="Delete"
          question={`Delete ${user.username}?`}
          disabled={fetching}
          onConfirm={() => remove({ input: { id: user.id } })}
          testid="user-delete"
        />
        <ErrorNote error={error} testid="user-delete-error" />
      </td>
    </tr>
  );
}

function EditUser({ user, onDone }: { user: UserDetails; onDone: () => void }) {
  const [role, setRole] = useState<Role>(user.role);
  const [password, setPassword] = useState('');
  const [{ fetching, error }, update] = useMutation(UPDATE_USER);
  const errors = formErrors(error);

  const submit = async (event: Event) => {
    event.preventDefault();
    const result = await update({ input: { id: user.id, role, ...(password ? { password } : {}) } });
    if (result.data) onDone();
  };

  return (
    <form class="form-row" onSubmit={submit} data-testid="edit-user-form">
      <Field label="Role" error={errors.fields.role} testid="edit-user-role">
        <select value={role} onChange={(e) => setRole(e.currentTarget.value as Role)} data-testid="edit-user-role">
          {ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </Field>
      <Field label="New password" error={errors.fields.password} testid="edit-user-password">
        <input
          type="password"
          value={password}
          placeholder="unchanged"
          autocomplete="new-password"
          onInput={(e) => setPassword(e.currentTarget.value)}
          data-testid="edit-user-password"
        />
      </Field>
      <button type="submit" class="primary" disabled={fetching} data-testid="edit-user-save">
        Save
      </button>
      <button type="button" onClick={onDone}>
        Cancel
      </button>
      <ErrorNote message={errors.general} testid="edit-user-error" />
    </form>
  );
}
