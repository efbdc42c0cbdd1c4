// An app's settings (OPERATOR): description, labels (`rampart-graph-readonly: "true"`
// refuses new versions) and auto-revert, saved together; the server's errors show at the
// field or label entry they name. Deleting the app, asked twice, waits for the cluster to
// remove its resource, then drops the app and its history.
import { useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { nestedFormErrors } from '../api/errors';
import { navigate } from '../router';
import { ConfirmButton } from '../ui/ConfirmButton';
import { EntryList } from '../ui/EntryList';
import { ErrorNote } from '../ui/ErrorNote';
import { Field } from '../ui/Field';
import { Waiting } from '../ui/Waiting';
import { APPS_CONTEXT, type App, DELETE_APP, UPDATE_APP } from './queries';

export function AppSettings({ app }: { app: App }) {
  const [description, setDescription] = useState(app.description);
  const [labels, setLabels] = useState(app.labels.map(({ key, value }) => ({ key, value })));
  const [autoRevert, setAutoRevert] = useState(app.autoRevert);
  const [saving, save] = useMutation(UPDATE_APP);
  const [deleting, remove] = useMutation(DELETE_APP);
  const [saved, setSaved] = useState(false);
  const errors = nestedFormErrors(saving.error);

  const submit = async (event: Event) => {
    event.preventDefault();
    setSaved(false);
    const result = await save({ input: { id: app.id, description, labels, autoRevert } });
    setSaved(!!result.data);
  };
  const confirmDelete = async () => {
    const result = await remove({ input: { id: app.id } }, APPS_CONTEXT);
    if (result.data) navigate('/apps');
  };

  return (
    <form class="card stack" onSubmit={submit} data-testid="app-settings">
      <h2>Settings</h2>
      <div class="form-row">
        <Field label="Description" error={errors.fields.description} testid="app-settings-description" wide>
          <input value={description} onInput={(e) => setDescription(e.currentTarget.value)} data-testid="app-settings-description" />
        </Field>
        <EntryList
          label="Labels (key, value)"
          entries={labels}
          onChange={setLabels}
          blank={{ key: '', value: '' }}
          errors={errors.fields}
          path="labels"
          testid="app-settings-labels"
        >
          {(label, set, index) => (
            <>
              <input
                class="mono entry-key"
                value={label.key}
                placeholder="key"
                onInput={(e) => set({ ...label, key: e.currentTarget.value })}
                data-testid={`app-settings-labels-${index}-key`}
              />
              <input
                class="mono"
                value={label.value}
                placeholder="value"
                onInput={(e) => set({ ...label, value: e.currentTarget.value })}
                data-testid={`app-settings-labels-${index}-value`}
              />
            </>
          )}
        </EntryList>
        <label class="inline">
          <input type="checkbox" checked={autoRevert} onChange={(e) => setAutoRevert(e.currentTarget.checked)} data-testid="app-settings-auto-revert" />
          roll a failed deploy back
        </label>
      </div>
      <div class="row">
        <button type="submit" disabled={saving.fetching} data-testid="app-settings-save">
          {saving.fetching ? 'Saving…' : 'Save settings'}
        </button>
        {saved && <span class="ok-note">Saved.</span>}
        {!app.readonly && (
          <ConfirmButton
            label="Delete app"
            question={`Delete ${app.namespace}/${app.name}, its resource in the cluster and its history?`}
            disabled={deleting.fetching}
            onConfirm={confirmDelete}
            testid="app-delete"
          />
        )}
        {deleting.fetching && <Waiting what="deleting: until the cluster has removed the resource" testid="app-delete-waiting" />}
      </div>
      <ErrorNote message={errors.general} testid="app-settings-error" />
      <ErrorNote error={deleting.error} testid="app-delete-error" />
    </form>
  );
}
