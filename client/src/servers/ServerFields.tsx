// The fields of a server, shared by the "add" form and the edit row: name, endpoint with
// a hint of what it will be, the agent token (only agents take one), root directory, tags.
import type { FormErrors } from '../api/errors';
import { Field } from '../ui/Field';
import { ENDPOINT_FORMS, endpointHint, isAgentEndpoint } from './endpoint';

export interface ServerDraft {
  name: string;
  endpoint: string;
  agentToken: string;
  rootDirectory: string;
  /** Comma- or space-separated, as typed. */
  tags: string;
}

export const EMPTY_DRAFT: ServerDraft = { name: '', endpoint: '', agentToken: '', rootDirectory: '', tags: '' };

export function parseTags(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

interface ServerFieldsProps {
  draft: ServerDraft;
  onChange: (draft: ServerDraft) => void;
  errors: FormErrors;
  /** Prefix of every control's data-testid, e.g. `create-server`. */
  testid: string;
  /** Placeholder of the token field when a token is already set. */
  tokenKept?: boolean;
}

export function ServerFields({ draft, onChange, errors, testid, tokenKept }: ServerFieldsProps) {
  const set = (key: keyof ServerDraft) => (e: { currentTarget: HTMLInputElement }) =>
    onChange({ ...draft, [key]: e.currentTarget.value });

  return (
    <>
      <Field label="Name" error={errors.fields.name} testid={`${testid}-name`}>
        <input value={draft.name} autocomplete="off" onInput={set('name')} data-testid={`${testid}-name`} />
      </Field>
      <Field label="Endpoint" error={errors.fields.endpoint} testid={`${testid}-endpoint`} wide>
        <input
          value={draft.endpoint}
          autocomplete="off"
          placeholder="unix:///var/run/docker.sock"
          title={ENDPOINT_FORMS}
          onInput={set('endpoint')}
          data-testid={`${testid}-endpoint`}
        />
        <span class="field-hint" data-testid={`${testid}-endpoint-hint`}>
          {endpointHint(draft.endpoint)}
        </span>
      </Field>
      {isAgentEndpoint(draft.endpoint) && (
        <Field label="Agent token" error={errors.fields.agentToken} testid={`${testid}-agent-token`}>
          <input
            type="password"
            value={draft.agentToken}
            autocomplete="off"
            placeholder={tokenKept ? 'unchanged' : 'at least 16 characters'}
            onInput={set('agentToken')}
            data-testid={`${testid}-agent-token`}
          />
        </Field>
      )}
      <Field label="Root directory (optional)" error={errors.fields.rootDirectory} testid={`${testid}-root-directory`}>
        <input
          value={draft.rootDirectory}
          placeholder="/srv/monitor"
          onInput={set('rootDirectory')}
          data-testid={`${testid}-root-directory`}
        />
      </Field>
      <Field label="Tags" error={errors.fields.tags} testid={`${testid}-tags`}>
        <input value={draft.tags} placeholder="prod, eu-west" onInput={set('tags')} data-testid={`${testid}-tags`} />
      </Field>
    </>
  );
}
