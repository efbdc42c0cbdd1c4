// The "new stack" form (OPERATOR), folded until asked for: the whole configuration
// editor. The server validates; its errors show at their fields, and a created stack
// opens its page.
import { useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { nestedFormErrors } from '../api/errors';
import { navigate } from '../router';
import type { ServerChoice } from '../servers/queries';
import { ErrorNote } from '../ui/ErrorNote';
import { EMPTY_DRAFT, inputOf } from './draft';
import { CREATE_STACK } from './queries';
import { StackFields } from './StackFields';
import { stackPath } from './StackPage';

export function CreateStackForm({ servers }: { servers: ServerChoice[] }) {
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState(EMPTY_DRAFT);
  const [{ fetching, error }, create] = useMutation(CREATE_STACK);
  const errors = nestedFormErrors(error);

  if (!open) {
    return (
      <button type="button" class="primary" onClick={() => setOpen(true)} data-testid="new-stack-open">
        New stack…
      </button>
    );
  }

  const submit = async (event: Event) => {
    event.preventDefault();
    const result = await create({ input: inputOf(draft) });
    if (result.data) navigate(stackPath(result.data.createStack.id));
  };

  return (
    <form class="card stack stack-editor" onSubmit={submit} data-testid="new-stack-form">
      <h2>New stack</h2>
      <StackFields draft={draft} onChange={setDraft} errors={errors} servers={servers} testid="new-stack" />
      <div class="row">
        <button type="submit" class="primary" disabled={fetching} data-testid="new-stack-submit">
          {fetching ? 'Creating…' : 'Create'}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Close
        </button>
      </div>
      <ErrorNote message={errors.general} testid="new-stack-error" />
    </form>
  );
}
