// One server in the table: its configuration and live state, edited in place or deleted
// after a confirmation (both ADMIN).
import { useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { formErrors } from '../api/errors';
import { ConfirmButton } from '../ui/ConfirmButton';
import { ErrorNote } from '../ui/ErrorNote';
import { isAgentEndpoint } from './endpoint';
import { DELETE_SERVER, type Server, UPDATE_SERVER } from './queries';
import { type ServerDraft, ServerFields, parseTags } from './ServerFields';
import { StateCells } from './StateCells';

export const COLUMNS = 10;

export function ServerRow({ server, canEdit }: { server: Server; canEdit: boolean }) {
  const [editing, setEditing] = useState(false);
  const [{ fetching, error }, remove] = useMutation(DELETE_SERVER);

  return (
    <tr data-testid={`server-row-${server.name}`} data-reachability={server.state.reachability}>
      <td class="mono">{server.name}</td>
      {editing ? (
        <td colSpan={COLUMNS - 2}>
          <EditServer server={server} onDone={() => setEditing(false)} />
        </td>
      ) : (
        <>
          <td class="mono" data-testid="server-endpoint">
            {server.endpoint}
          </td>
          <td data-testid="server-tags">
            {server.tags.map((tag) => (
              <span key={tag} class="tag">
                {tag}
              </span>
            ))}
          </td>
          <StateCells state={server.state} />
        </>
      )}
      <td class="actions">
        {canEdit && !editing && (
          <button type="button" onClick={() => setEditing(true)} data-testid="server-edit">
            Edit
          </button>
        )}
        {canEdit && (
          <ConfirmButton
            label="Delete"
            question={`Forget ${server.name}? Its containers keep running.`}
            disabled={fetching}
            onConfirm={() => remove({ input: { id: server.id } })}
            testid="server-delete"
          />
        )}
        <ErrorNote error={error} testid="server-delete-error" />
      </td>
    </tr>
  );
}

function EditServer({ server, onDone }: { server: Server; onDone: () => void }) {
  const [draft, setDraft] = useState<ServerDraft>({
    name: server.name,
    endpoint: server.endpoint,
    agentToken: '',
    rootDirectory: server.rootDirectory ?? '',
    tags: server.tags.join(', '),
  });
  const [{ fetching, error }, update] = useMutation(UPDATE_SERVER);
  const errors = formErrors(error);

  const submit = async (event: Event) => {
    event.preventDefault();
    // An agent keeps its token unless a new one is typed; any other endpoint takes none.
    const agentToken = isAgentEndpoint(draft.endpoint) ? draft.agentToken || undefined : null;
    const result = await update({
      input: {
        id: server.id,
        name: draft.name,
        endpoint: draft.endpoint,
        ...(agentToken === undefined ? {} : { agentToken }),
        rootDirectory: draft.rootDirectory || null,
        tags: parseTags(draft.tags),
      },
    });
    if (result.data) onDone();
  };

  return (
    <form class="form-row" onSubmit={submit} data-testid="edit-server-form">
      <ServerFields draft={draft} onChange={setDraft} errors={errors} testid="edit-server" tokenKept={server.hasAgentToken} />
      <button type="submit" class="primary" disabled={fetching} data-testid="edit-server-save">
        Save
      </button>
      <button type="button" onClick={onDone}>
        Cancel
      </button>
      <ErrorNote message={errors.general} testid="edit-server-error" />
    </form>
  );
}
