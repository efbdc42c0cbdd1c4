// The editor of a stack's configuration, shared by the "new stack" form and the stack
// page: name and server, then the parts a stack may have (repo, build, deploy), each
// switched on or off, and the pipeline. Errors show at the field the server names.
import type { ComponentChildren } from 'preact';
import type { FormErrors } from '../api/errors';
import type { ServerChoice } from '../servers/queries';
import { ServerSelect } from '../servers/ServerSelect';
import { EntryList } from '../ui/EntryList';
import { Field } from '../ui/Field';
import { DeployFields } from './DeployFields';
import type { StackDraft, StackPart } from './draft';
import { PipelineFields, ScriptSelect } from './PipelineFields';
import type { CloneLocation, StackBuild, StackRepo } from './queries';

const NETWORK_MODES = ['default', 'host', 'none'];

interface StackFieldsProps {
  draft: StackDraft;
  onChange: (draft: StackDraft) => void;
  errors: FormErrors;
  servers: ServerChoice[];
  /** Prefix of every control's data-testid, e.g. `new-stack`. */
  testid: string;
}

export function StackFields({ draft, onChange, errors, servers, testid }: StackFieldsProps) {
  const { fields } = errors;
  const toggle = (part: StackPart) => (on: boolean) => onChange({ ...draft, uses: { ...draft.uses, [part]: on } });
  const scriptNames = draft.repo.scripts.map((script) => script.name);

  return (
    <>
      <div class="form-row">
        <Field label="Name" error={fields.name} testid={`${testid}-name`}>
          <input
            value={draft.name}
            autocomplete="off"
            placeholder="lowercase, e.g. web-api"
            onInput={(e) => onChange({ ...draft, name: e.currentTarget.value })}
            data-testid={`${testid}-name`}
          />
        </Field>
        <Field label="Server" error={fields.serverId} testid={`${testid}-server`}>
          <ServerSelect
            servers={servers}
            value={draft.serverId}
            onChange={(serverId) => onChange({ ...draft, serverId })}
            testid={`${testid}-server`}
          />
        </Field>
      </div>
      <Part title="Repository" on={draft.uses.repo} onToggle={toggle('repo')} error={fields.repo} testid={`${testid}-repo`}>
        <RepoFields repo={draft.repo} onChange={(repo) => onChange({ ...draft, repo })} errors={fields} testid={`${testid}-repo`} />
      </Part>
      <Part title="Build" on={draft.uses.build} onToggle={toggle('build')} error={fields.build} testid={`${testid}-build`}>
        <BuildFields
          build={draft.build}
          onChange={(build) => onChange({ ...draft, build })}
          scriptNames={scriptNames}
          errors={fields}
          testid={`${testid}-build`}
        />
      </Part>
      <Part title="Deploy" on={draft.uses.deploy} onToggle={toggle('deploy')} error={fields.deploy} testid={`${testid}-deploy`}>
        <DeployFields
          deploy={draft.deploy}
          onChange={(deploy) => onChange({ ...draft, deploy })}
          errors={fields}
          testid={`${testid}-deploy`}
        />
      </Part>
      <section class="card stack-part">
        <h2>Pipeline</h2>
        <div class="form-row">
          <PipelineFields
            steps={draft.pipeline}
            onChange={(pipeline) => onChange({ ...draft, pipeline })}
            scriptNames={scriptNames}
            errors={fields}
            testid={`${testid}-pipeline`}
          />
        </div>
      </section>
    </>
  );
}

interface PartProps {
  title: string;
  on: boolean;
  onToggle: (on: boolean) => void;
  error?: string;
  /** data-testid of the switch; the part's error is `<testid>-error`. */
  testid: string;
  children: ComponentChildren;
}

function Part({ title, on, onToggle, error, testid, children }: PartProps) {
  return (
    <section class={`card stack-part${on ? '' : ' off'}`}>
      <label class="inline part-switch">
        <input type="checkbox" checked={on} onChange={(e) => onToggle(e.currentTarget.checked)} data-testid={`${testid}-on`} />
        <h2>{title}</h2>
      </label>
      {error && (
        <span class="field-error" role="alert" data-testid={`${testid}-error`}>
          {error}
        </span>
      )}
      {on && <div class="form-row">{children}</div>}
    </section>
  );
}

interface RepoFieldsProps {
  repo: StackRepo;
  onChange: (repo: StackRepo) => void;
  errors: Record<string, string>;
  testid: string;
}

function RepoFields({ repo, onChange, errors, testid }: RepoFieldsProps) {
  return (
    <>
      <Field label="URL" error={errors['repo.url']} testid={`${testid}-url`} wide>
        <input
          class="mono"
          value={repo.url}
          placeholder="https://github.com/org/app.git"
          onInput={(e) => onChange({ ...repo, url: e.currentTarget.value })}
          data-testid={`${testid}-url`}
        />
      </Field>
      <Field label="Branch" error={errors['repo.branch']} testid={`${testid}-branch`}>
        <input value={repo.branch} onInput={(e) => onChange({ ...repo, branch: e.currentTarget.value })} data-testid={`${testid}-branch`} />
      </Field>
      <Field label="Checked out" error={errors['repo.cloneOn']} testid={`${testid}-clone-on`}>
        <select
          value={repo.cloneOn}
          onChange={(e) => onChange({ ...repo, cloneOn: e.currentTarget.value as CloneLocation })}
          data-testid={`${testid}-clone-on`}
        >
          <option value="MONITOR">on the monitor host</option>
          <option value="SERVER">on the stack's server</option>
        </select>
      </Field>
      <EntryList
        label="Scripts (name, shell command)"
        entries={repo.scripts}
        onChange={(scripts) => onChange({ ...repo, scripts })}
        blank={{ name: '', command: '' }}
        errors={errors}
        path="repo.scripts"
        testid={`${testid}-scripts`}
      >
        {(script, set, index) => (
          <>
            <input
              class="entry-key"
              value={script.name}
              placeholder="name"
              onInput={(e) => set({ ...script, name: e.currentTarget.value })}
              data-testid={`${testid}-scripts-${index}-name`}
            />
            <input
              class="mono"
              value={script.command}
              placeholder="npm ci"
              onInput={(e) => set({ ...script, command: e.currentTarget.value })}
              data-testid={`${testid}-scripts-${index}-command`}
            />
          </>
        )}
      </EntryList>
    </>
  );
}

interface BuildFieldsProps {
  build: StackBuild;
  onChange: (build: StackBuild) => void;
  scriptNames: string[];
  errors: Record<string, string>;
  testid: string;
}

function BuildFields({ build, onChange, scriptNames, errors, testid }: BuildFieldsProps) {
  return (
    <>
      <Field label="Context path" error={errors['build.path']} testid={`${testid}-path`}>
        <input
          class="mono"
          value={build.path}
          onInput={(e) => onChange({ ...build, path: e.currentTarget.value })}
          data-testid={`${testid}-path`}
        />
      </Field>
      <Field label="Dockerfile" error={errors['build.dockerfile']} testid={`${testid}-dockerfile`}>
        <input
          class="mono"
          value={build.dockerfile}
          onInput={(e) => onChange({ ...build, dockerfile: e.currentTarget.value })}
          data-testid={`${testid}-dockerfile`}
        />
      </Field>
      <Field label="Network for RUN steps" error={errors['build.networkMode']} testid={`${testid}-network-mode`}>
        <select
          value={build.networkMode}
          onChange={(e) => onChange({ ...build, networkMode: e.currentTarget.value })}
          data-testid={`${testid}-network-mode`}
        >
          {NETWORK_MODES.map((mode) => (
            <option key={mode}>{mode}</option>
          ))}
        </select>
      </Field>
      <EntryList
        label="Build arguments"
        entries={build.args}
        onChange={(args) => onChange({ ...build, args })}
        blank={{ key: '', value: '' }}
        errors={errors}
        path="build.args"
        testid={`${testid}-args`}
      >
        {(arg, set, index) => (
          <>
            <input
              class="mono entry-key"
              value={arg.key}
              placeholder="NAME"
              onInput={(e) => set({ ...arg, key: e.currentTarget.value })}
              data-testid={`${testid}-args-${index}-key`}
            />
            <input
              class="mono"
              value={arg.value}
              placeholder="value"
              onInput={(e) => set({ ...arg, value: e.currentTarget.value })}
              data-testid={`${testid}-args-${index}-value`}
            />
          </>
        )}
      </EntryList>
      <EntryList
        label="Scripts before each build"
        entries={build.preBuildScripts}
        onChange={(preBuildScripts) => onChange({ ...build, preBuildScripts })}
        blank=""
        errors={errors}
        path="build.preBuildScripts"
        testid={`${testid}-pre-build-scripts`}
      >
        {(script, set, index) => (
          <ScriptSelect names={scriptNames} value={script} onChange={set} testid={`${testid}-pre-build-scripts-${index}`} />
        )}
      </EntryList>
    </>
  );
}
