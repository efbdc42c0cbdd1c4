// The pipeline part of a stack's editor: its steps in order, a SCRIPT step naming one of
// the repo's scripts; and the select of a repo script, which pre-build scripts use too.
import { EntryList } from '../ui/EntryList';
import { PIPELINE_STEP_KINDS, type PipelineStep, type PipelineStepKind } from './queries';

interface ScriptSelectProps {
  names: string[];
  value: string;
  onChange: (name: string) => void;
  testid: string;
}

/** The repo's scripts by name; a name no script has any more stays shown, to be changed. */
export function ScriptSelect({ names, value, onChange, testid }: ScriptSelectProps) {
  const choices = value && !names.includes(value) ? [...names, value] : names;
  return (
    <select value={value} onChange={(e) => onChange(e.currentTarget.value)} data-testid={testid}>
      {!value && <option value="">Pick a script…</option>}
      {choices.map((name) => (
        <option key={name}>{name}</option>
      ))}
    </select>
  );
}

interface PipelineFieldsProps {
  steps: PipelineStep[];
  onChange: (steps: PipelineStep[]) => void;
  scriptNames: string[];
  errors: Record<string, string>;
  testid: string;
}

export function PipelineFields({ steps, onChange, scriptNames, errors, testid }: PipelineFieldsProps) {
  return (
    <EntryList
      label="Steps, in order"
      entries={steps}
      onChange={onChange}
      blank={{ kind: 'PULL', script: null }}
      errors={errors}
      path="pipeline"
      testid={testid}
    >
      {(step, set, index) => (
        <>
          <select
            value={step.kind}
            onChange={(e) => set({ ...step, kind: e.currentTarget.value as PipelineStepKind })}
            data-testid={`${testid}-${index}-kind`}
          >
            {PIPELINE_STEP_KINDS.map((kind) => (
              <option key={kind}>{kind}</option>
            ))}
          </select>
          {step.kind === 'SCRIPT' && (
            <ScriptSelect
              names={scriptNames}
              value={step.script ?? ''}
              onChange={(script) => set({ ...step, script })}
              testid={`${testid}-${index}-script`}
            />
          )}
        </>
      )}
    </EntryList>
  );
}
