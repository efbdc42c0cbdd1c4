// The actions a stack's configuration allows now (its availableActions, in their order),
// as buttons: clone, pull, run one of the repo's scripts, build, push, deploy, run the
// pipeline. Each starts an operation and hands its id on; rollback is offered per image.
import { type TypedDocumentNode, useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { ErrorNote } from '../ui/ErrorNote';
import { ScriptSelect } from './PipelineFields';
import {
  BUILD_STACK,
  CLONE_STACK_REPO,
  DEPLOY_STACK,
  PULL_STACK_REPO,
  PUSH_STACK_IMAGE,
  RUN_PIPELINE,
  RUN_STACK_SCRIPT,
  type Stack,
  type StackAction,
  type StartedOperation,
} from './queries';

type ActionDocument = TypedDocumentNode<Record<string, StartedOperation>, { stackId: string }>;

/** Each button's label, and the mutation it runs with the field that answers. */
const BUTTONS: Partial<Record<StackAction, { label: string; field: string; document: ActionDocument }>> = {
  CLONE: { label: 'Clone', field: 'cloneStackRepo', document: CLONE_STACK_REPO },
  PULL: { label: 'Pull', field: 'pullStackRepo', document: PULL_STACK_REPO },
  BUILD: { label: 'Build', field: 'buildStack', document: BUILD_STACK },
  PUSH: { label: 'Push', field: 'pushStackImage', document: PUSH_STACK_IMAGE },
  DEPLOY: { label: 'Deploy', field: 'deployStack', document: DEPLOY_STACK },
  RUN_PIPELINE: { label: 'Run pipeline', field: 'runPipeline', document: RUN_PIPELINE },
};

interface StackActionsProps {
  stack: Stack;
  onStarted: (operationId: string) => void;
}

export function StackActions({ stack, onStarted }: StackActionsProps) {
  if (stack.availableActions.length === 0) {
    return (
      <p class="muted" data-testid="stack-actions-none">
        Nothing can run yet: give the stack a repo, a deploy image or a pipeline.
      </p>
    );
  }
  return (
    <div class="row" data-testid="stack-actions">
      {stack.availableActions.map((action) => {
        if (action === 'RUN_SCRIPT') {
          return <RunScript key={action} stack={stack} onStarted={onStarted} />;
        }
        const button = BUTTONS[action];
        return (
          button && <ActionButton key={action} stackId={stack.id} action={action} {...button} onStarted={onStarted} />
        );
      })}
    </div>
  );
}

interface ActionButtonProps {
  stackId: string;
  action: StackAction;
  label: string;
  field: string;
  document: ActionDocument;
  onStarted: (operationId: string) => void;
}

function ActionButton({ stackId, action, label, field, document, onStarted }: ActionButtonProps) {
  const [{ fetching, error }, start] = useMutation(document);
  const click = async () => {
    const result = await start({ stackId });
    const operation = result.data?.[field];
    if (operation) onStarted(operation.id);
  };
  return (
    <>
      <button type="button" disabled={fetching} onClick={click} data-testid={`stack-action-${action}`}>
        {label}
      </button>
      <ErrorNote error={error} testid={`stack-action-${action}-error`} />
    </>
  );
}

function RunScript({ stack, onStarted }: { stack: Stack; onStarted: (operationId: string) => void }) {
  const names = stack.repo?.scripts.map((script) => script.name) ?? [];
  const [script, setScript] = useState('');
  const [{ fetching, error }, run] = useMutation(RUN_STACK_SCRIPT);
  const click = async () => {
    const result = await run({ stackId: stack.id, script });
    if (result.data) onStarted(result.data.runStackScript.id);
  };
  return (
    <span class="row">
      <ScriptSelect names={names} value={script} onChange={setScript} testid="stack-script" />
      <button type="button" disabled={fetching || !script} onClick={click} data-testid="stack-action-RUN_SCRIPT">
        Run script
      </button>
      <ErrorNote error={error} testid="stack-action-RUN_SCRIPT-error" />
    </span>
  );
}
