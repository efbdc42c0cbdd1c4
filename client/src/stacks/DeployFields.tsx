// The deploy part of a stack's editor: what runs (an image, or the stack's latest build)
// and how, as `docker run` options, one list entry per port, volume, variable and
// command argument.
import { EntryList } from '../ui/EntryList';
import { Field } from '../ui/Field';
import type { StackDraft } from './draft';

const RESTART_POLICIES = ['no', 'always', 'unless-stopped', 'on-failure'];

type DeployDraft = StackDraft['deploy'];

interface DeployFieldsProps {
  deploy: DeployDraft;
  onChange: (deploy: DeployDraft) => void;
  errors: Record<string, string>;
  testid: string;
}

/** The string lists of a deploy, with their labels and placeholders. */
const LISTS = [
  { key: 'ports', label: 'Ports', placeholder: '8080:80' },
  { key: 'volumes', label: 'Volumes', placeholder: '/srv/data:/data:ro' },
  { key: 'env', label: 'Environment', placeholder: 'KEY=value' },
  { key: 'command', label: 'Command (one argument each)', placeholder: "the image's own" },
] as const;

export function DeployFields({ deploy, onChange, errors, testid }: DeployFieldsProps) {
  return (
    <>
      <Field label="Image" error={errors['deploy.image']} testid={`${testid}-image`} wide>
        <input
          class="mono"
          value={deploy.image}
          placeholder="the stack's latest build"
          onInput={(e) => onChange({ ...deploy, image: e.currentTarget.value })}
          data-testid={`${testid}-image`}
        />
      </Field>
      <Field label="Network" error={errors['deploy.network']} testid={`${testid}-network`}>
        <input
          value={deploy.network}
          placeholder="the engine's default"
          onInput={(e) => onChange({ ...deploy, network: e.currentTarget.value })}
          data-testid={`${testid}-network`}
        />
      </Field>
      <Field label="Restart policy" error={errors['deploy.restartPolicy']} testid={`${testid}-restart-policy`}>
        <select
          value={deploy.restartPolicy}
          onChange={(e) => onChange({ ...deploy, restartPolicy: e.currentTarget.value })}
          data-testid={`${testid}-restart-policy`}
        >
          <option value="">the engine's default</option>
          {RESTART_POLICIES.map((policy) => (
            <option key={policy}>{policy}</option>
          ))}
          {deploy.restartPolicy && !RESTART_POLICIES.includes(deploy.restartPolicy) && <option>{deploy.restartPolicy}</option>}
        </select>
      </Field>
      <Field label="Log lines shown" error={errors['deploy.logTail']} testid={`${testid}-log-tail`}>
        <input
          type="number"
          min={0}
          max={10000}
          value={deploy.logTail}
          placeholder="100"
          onInput={(e) => onChange({ ...deploy, logTail: e.currentTarget.value })}
          data-testid={`${testid}-log-tail`}
        />
      </Field>
      {LISTS.map((list) => (
        <EntryList
          key={list.key}
          label={list.label}
          entries={deploy[list.key]}
          onChange={(entries) => onChange({ ...deploy, [list.key]: entries })}
          blank=""
          errors={errors}
          path={`deploy.${list.key}`}
          testid={`${testid}-${list.key}`}
        >
          {(value, set, index) => (
            <input
              class="mono"
              value={value}
              placeholder={list.placeholder}
              onInput={(e) => set(e.currentTarget.value)}
              data-testid={`${testid}-${list.key}-${index}`}
            />
          )}
        </EntryList>
      ))}
    </>
  );
}
