// The "new app" form (OPERATOR), folded until asked for: namespace, name, description and
// the first version's graph in the checked editor. Nothing is sent while the graph has a
// problem; the server's errors show at their fields (the graph's in the editor), and a
// created app opens its page.
import { useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { navigate } from '../router';
import { ErrorNote } from '../ui/ErrorNote';
import { Field } from '../ui/Field';
import { appPath } from './AppPage';
import { GraphEditor } from './GraphEditor';
import { APPS_CONTEXT, CREATE_APP } from './queries';
import { useGraphCheck } from './useGraphCheck';

/** An empty graph, to add components to. */
export const STARTER_GRAPH = JSON.stringify({ components: {}, flows: {} }, null, 2);

export function CreateAppForm() {
  const [open, setOpen] = useState(false);
  const [namespace, setNamespace] = useState('');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [text, setText] = useState(STARTER_GRAPH);
  const [{ fetching, error }, create] = useMutation(CREATE_APP);
  const { checked, catalog, fields, general, sending } = useGraphCheck(text, error);

  if (!open) {
    return (
      <button type="button" class="primary" onClick={() => setOpen(true)} data-testid="new-app-open">
        New app…
      </button>
    );
  }

  const submit = async (event: Event) => {
    event.preventDefault();
    if (checked.problems.length > 0) return;
    sending(text);
    const input = { namespace: namespace.trim(), name: name.trim(), description, graph: checked.graph, message: null };
    const result = await create({ input }, APPS_CONTEXT);
    if (result.data) navigate(appPath(result.data.createApp.id));
  };

  return (
    <form class="card stack app-editor" onSubmit={submit} data-testid="new-app-form">
      <h2>New app</h2>
      <div class="form-row">
        <Field label="Namespace" error={fields.namespace} testid="new-app-namespace">
          <input value={namespace} required onInput={(e) => setNamespace(e.currentTarget.value)} data-testid="new-app-namespace" />
        </Field>
        <Field label="Name" error={fields.name} testid="new-app-name">
          <input value={name} required onInput={(e) => setName(e.currentTarget.value)} data-testid="new-app-name" />
        </Field>
        <Field label="Description" error={fields.description} testid="new-app-description" wide>
          <input value={description} onInput={(e) => setDescription(e.currentTarget.value)} data-testid="new-app-description" />
        </Field>
      </div>
      <GraphEditor text={text} onText={setText} checked={checked} catalog={catalog} testid="new-app-graph" />
      <div class="row">
        <button type="submit" class="primary" disabled={fetching || checked.problems.length > 0} data-testid="new-app-submit">
          {fetching ? 'Creating…' : 'Create'}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Close
        </button>
      </div>
      <ErrorNote message={general} testid="new-app-error" />
    </form>
  );
}
