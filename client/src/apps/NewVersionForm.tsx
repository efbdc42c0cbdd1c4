// A new version of an app's graph (OPERATOR), folded until asked for: the newest version's
// graph in the checked editor, and what changed. Nothing is sent while the graph has a
// problem; the server's errors show beside their field. The same graph as a stored
// version saves nothing and says which version it is.
import { useMutation, useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import { ErrorNote } from '../ui/ErrorNote';
import { Field } from '../ui/Field';
import { GraphEditor } from './GraphEditor';
import { APP_VERSION_GRAPH, type App, SAVE_APP_GRAPH } from './queries';
import { useGraphCheck } from './useGraphCheck';

export function NewVersionForm({ app, onSaved }: { app: App; onSaved: () => void }) {
  const [open, setOpen] = useState(false);
  // Kept here: a saved version is the new newest, which starts the editor afresh.
  const [outcome, setOutcome] = useState<string | null>(null);
  const newest = app.versions.nodes[0]?.number ?? 1;
  if (!open) {
    return (
      <div class="row">
        <button type="button" class="primary" onClick={() => setOpen(true)} data-testid="new-version-open">
          New version…
        </button>
      </div>
    );
  }
  return (
    <Editor
      key={newest}
      app={app}
      newest={newest}
      outcome={outcome}
      onSaved={(said) => {
        setOutcome(said);
        onSaved();
      }}
      onClose={() => {
            setOpen(false);
      }}
    />
  );
}

interface EditorProps {
  app: App;
  newest: number;
  outcome: string | null;
  /** With what the save did, in words. */
  onSaved: (outcome: string) => void;
  onClose: () => void;
}

function Editor({ app, newest, outcome, onSaved, onClose }: EditorProps) {
  const [{ data, error: loadError }] = useQuery({ query: APP_VERSION_GRAPH, variables: { appId: app.id, version: newest } });
  const loaded = data?.appVersion ? JSON.stringify(data.appVersion.graph, null, 2) : '';
  const [edited, setEdited] = useState<string | null>(null);
  const text = edited ?? loaded;
  const [message, setMessage] = useState('');
  const [{ fetching, error }, save] = useMutation(SAVE_APP_GRAPH);
  const { checked, catalog, fields, general, sending } = useGraphCheck(text, error);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (checked.problems.length > 0) return;
    sending(text);
    const result = await save({ input: { appId: app.id, graph: checked.graph, message: message.trim() || null } });
    const saved = result.data?.saveAppGraph;
    if (!saved) return;
    onSaved(saved.number > newest ? `Saved as v${saved.number}.` : `Nothing new: the same graph as v${saved.number}.`);
  };

  return (
    <form class="card stack app-editor" onSubmit={submit} data-testid="new-version-form">
      <h2>New version (from v{newest})</h2>
      <ErrorNote error={loadError} />
      {data && (
        <>
          <GraphEditor text={text} onText={setEdited} checked={checked} catalog={catalog} testid="new-version-graph" />
          <Field label="What changed" error={fields.message} testid="new-version-message" wide>
            <input value={message} onInput={(e) => setMessage(e.currentTarget.value)} data-testid="new-version-message" />
          </Field>
          <div class="row">
            <button type="submit" class="primary" disabled={fetching || checked.problems.length > 0} data-testid="new-version-submit">
              {fetching ? 'Saving…' : 'Save version'}
            </button>
            <button type="button" onClick={onClose}>
              Close
            </button>
            {outcome && (
              <span class="ok-note" data-testid="new-version-saved">
                {outcome}
              </span>
            )}
          </div>
          <ErrorNote message={general} testid="new-version-error" />
        </>
      )}
    </form>
  );
}
