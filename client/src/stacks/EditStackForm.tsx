// A stack's configuration in the editor: operators change it and Save sends the whole of
// it (a part switched off is removed), Reset goes back to what is stored; viewers see it
// read-only. The server's errors show at their fields.
import { useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { nestedFormErrors } from '../api/errors';
import { useServerChoices } from '../servers/useServerChoices';
import { ErrorNote } from '../ui/ErrorNote';
import { draftOf, inputOf } from './draft';
import { type Stack, UPDATE_STACK } from './queries';
import { StackFields } from './StackFields';

export function EditStackForm({ stack, canEdit }: { stack: Stack; canEdit: boolean }) {
  const { servers } = useServerChoices();
  const [draft, setDraft] = useState(() => draftOf(stack));
  const [saved, setSaved] = useState(false);
  const [{ fetching, error }, update] = useMutation(UPDATE_STACK);
  const errors = nestedFormErrors(error);

  const submit = async (event: Event) => {
    event.preventDefault();
    setSaved(false);
    const result = await update({ input: { id: stack.id, ...inputOf(draft) } });
    if (result.data) {
      setDraft(draftOf(result.data.updateStack));
      setSaved(true);
    }
  };

  return (
    <form class="stack stack-editor" onSubmit={submit} data-testid="edit-stack-form">
      <h2>Configuration</h2>
      <fieldset class="plain stack" disabled={!canEdit}>
        <StackFields draft={draft} onChange={setDraft} errors={errors} servers={servers} testid="edit-stack" />
      </fieldset>
      {canEdit && (
        <div class="row">
          <button type="submit" class="primary" disabled={fetching} data-testid="edit-stack-save">
            {fetching ? 'Saving…' : 'Save'}
          </button>
          <button type="button" onClick={() => setDraft(draftOf(stack))} data-testid="edit-stack-reset">
            Reset
          </button>
          {saved && (
            <span class="ok-note" data-testid="edit-stack-done">
              Saved.
            </span>
          )}
        </div>
      )}
      <ErrorNote message={errors.general} testid="edit-stack-error" />
    </form>
  );
}
