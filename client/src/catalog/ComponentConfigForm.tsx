// A component config's fields (title, type, node type, the config as JSON, what changed),
// for a new config and for the next version of one. The JSON is checked as it is typed;
// the server's errors show at their fields.
import { type CombinedError } from '@urql/core';
import { useState } from 'preact/hooks';
import { formErrors } from '../api/errors';
import { parseJson } from '../apps/jsonText';
import { ErrorNote } from '../ui/ErrorNote';
import { Field } from '../ui/Field';
import type { ComponentConfig, ComponentConfigInput } from './queries';

interface ComponentConfigFormProps {
  /** The config to change; a new one when absent. */
  start?: ComponentConfig;
  fetching: boolean;
  error: CombinedError | undefined;
  onSubmit: (input: ComponentConfigInput) => void;
  onClose: () => void;
  testid: string;
}

const EXAMPLE = JSON.stringify({ chart: { repo: '', name: '', version: '' }, config: {} }, null, 2);

export function ComponentConfigForm({ start, fetching, error, onSubmit, onClose, testid }: ComponentConfigFormProps) {
  const [title, setTitle] = useState(start?.title ?? '');
  const [type, setType] = useState(start?.type ?? '');
  const [nodeType, setNodeType] = useState(start?.nodeType ?? '');
  const [config, setConfig] = useState(start ? JSON.stringify(start.config, null, 2) : EXAMPLE);
  const [message, setMessage] = useState('');
  const errors = formErrors(error);
  const parsed = parseJson(config);
  const configProblem = !parsed.ok
    ? `not JSON: ${parsed.message} (line ${parsed.place.line}, column ${parsed.place.column})`
    : typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)
      ? 'a component config is an object'
      : errors.fields.config;

  const submit = (event: Event) => {
    event.preventDefault();
    if (!parsed.ok) return;
    onSubmit({ title, type, nodeType, config: parsed.value, message: message.trim() || null });
  };

  return (
    <form class="card stack" onSubmit={submit} data-testid={testid}>
      <h2>{start ? `${start.title}: next version (v${start.version + 1})` : 'New component config'}</h2>
      <div class="form-row">
        <Field label="Title" error={errors.fields.title} testid={`${testid}-title`}>
          <input value={title} onInput={(e) => setTitle(e.currentTarget.value)} data-testid={`${testid}-title`} />
        </Field>
        <Field label="Type" error={errors.fields.type} testid={`${testid}-type`}>
          <input value={type} placeholder="batch-uploader" onInput={(e) => setType(e.currentTarget.value)} data-testid={`${testid}-type`} />
        </Field>
        <Field label="Node type" error={errors.fields.nodeType} testid={`${testid}-node-type`}>
          <input value={nodeType} onInput={(e) => setNodeType(e.currentTarget.value)} data-testid={`${testid}-node-type`} />
        </Field>
        <Field label="What changed" error={errors.fields.message} testid={`${testid}-message`} wide>
          <input value={message} onInput={(e) => setMessage(e.currentTarget.value)} data-testid={`${testid}-message`} />
        </Field>
      </div>
      <Field label="Config: what a graph's component of this type starts from" error={configProblem} testid={`${testid}-config`} wide>
        <textarea class="mono" rows={10} spellcheck={false} value={config} onInput={(e) => setConfig(e.currentTarget.value)} data-testid={`${testid}-config`} />
      </Field>
      <div class="row">
        <button type="submit" class="primary" disabled={fetching || !parsed.ok} data-testid={`${testid}-submit`}>
          {fetching ? 'Saving…' : start ? 'Save version' : 'Create'}
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <ErrorNote message={errors.general} testid={`${testid}-error`} />
    </form>
  );
}
