// The "add server" form (ADMIN); the server validates, and its BAD_USER_INPUT errors show
// at their fields.
import { useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { formErrors } from '../api/errors';
import { ErrorNote } from '../ui/ErrorNote';
import { isAgentEndpoint } from './endpoint';
import { CREATE_SERVER } from './queries';
import { EMPTY_DRAFT, ServerFields, parseTags } from './ServerFields';

export function CreateServerForm() {
  const [draft, setDraft] = useState(EMPTY_DRAFT);
  const [created, setCreated] = useState<string | null>(null);
  const [{ fetching, error }, create] = useMutation(CREATE_SERVER);
  const errors = formErrors(error);

  const submit = async (event: Event) => {
    event.preventDefault();
    setCreated(null);
    const result = await create({
      input: {
        name: draft.name,
        endpoint: draft.endpoint,
        // The field is hidden for other endpoints; a token left in it must not be sent.
        ...(isAgentEndpoint(draft.endpoint) ? { agentToken: draft.agentToken } : {}),
        ...(draft.rootDirectory ? { rootDirectory: draft.rootDirectory } : {}),
        tags: parseTags(draft.tags),
      },
    });
    if (result.data) {
      setCreated(result.data.createServer.name);
      setDraft(EMPTY_DRAFT);
    }
  };

  return (
    <form class="card form-row" onSubmit={submit} data-testid="create-server-form">
      <h2>Add server</h2>
      <ServerFields draft={draft} onChange={setDraft} errors={errors} testid="create-server" />
      <button type="submit" class="primary" disabled={fetching} data-testid="create-server-submit">
        Add
      </button>
      <ErrorNote message={errors.general} testid="create-server-error" />
      {created && (
        <span class="ok-note" data-testid="create-server-done">
          Added {created}.
        </span>
      )}
    </form>
  );
}
