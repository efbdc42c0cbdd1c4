// One stack (/stacks/:id): what it is and runs, the actions its configuration allows
// (OPERATOR) and the live output of the one started last (its id in the URL,
// ?operation=…, so a reload shows the same run), its registry images to roll back to
// (when it builds), its live history, its webhook (when it has a repo to push to), its
// configuration and its deletion. When a run ends (started here or by a webhook), the
// stack and its images are read again.
import { useMutation, useQuery } from '@urql/preact';
import { useMemo } from 'preact/hooks';
import { roleAllows } from '../api/types';
import { OperationDetail } from '../operations/OperationDetail';
import { isFinished } from '../operations/queries';
import { useOperations } from '../operations/useOperations';
import { Link, matchPath, navigate, useLocation } from '../router';
import { useSession } from '../session/session';
import { ConfirmButton } from '../ui/ConfirmButton';
import { ErrorNote } from '../ui/ErrorNote';
import { stopWait, Waiting } from '../ui/Waiting';
import { EditStackForm } from './EditStackForm';
import { DELETE_STACK, STACK, STACK_IMAGES, type Stack } from './queries';
import { StackActions } from './StackActions';
import { StackHistory } from './StackHistory';
import { StackImages } from './StackImages';
import { StackSummary } from './StackSummary';
import { StackWebhook } from './StackWebhook';
import './stacks.css';

export const STACK_ROUTE = '/stacks/:id';

export function stackPath(id: string): string {
  return `/stacks/${encodeURIComponent(id)}`;
}

export function StackPage() {
  const { path, query } = useLocation();
  const id = matchPath(STACK_ROUTE, path)?.id;
  if (!id) return <ErrorNote message="Open a stack from the Stacks page." />;
  return <StackView key={id} id={id} operationId={query.get('operation')} />;
}

function StackView({ id, operationId }: { id: string; operationId: string | null }) {
  const { viewer } = useSession();
  const canOperate = roleAllows(viewer.role, 'OPERATOR');
  const [{ data, error }, refresh] = useQuery({ query: STACK, variables: { id } });
  const [images, refreshImages] = useQuery({
    query: STACK_IMAGES,
    variables: { id },
    pause: !data?.stack?.build || !data.stack.registryRepository,
  });
  // Steps show under their run.
  const filter = useMemo(() => ({ stackId: id, topLevel: true }), [id]);
  const history = useOperations(filter, {
    onUpdated: (operation) => {
      if (!isFinished(operation.status)) return;
      refresh({ requestPolicy: 'network-only' });
      refreshImages({ requestPolicy: 'network-only' });
    },
  });
  const stack = data?.stack;

  const started = (operation: string) => {
    navigate(`${stackPath(id)}?operation=${encodeURIComponent(operation)}`);
  };

  return (
    <div class="stack">
      <Link href="/stacks">← Stacks</Link>
      <ErrorNote error={error} />
      {data && !stack && <ErrorNote message={`No stack ${id}.`} />}
      {stack && (
        <>
          <StackSummary stack={stack} />
          {canOperate && <StackActions stack={stack} onStarted={started} />}
          {operationId && <OperationDetail key={operationId} id={operationId} />}
          {stack.build && (
            <StackImages
              stack={stack}
              images={images.data?.stack?.images}
              error={images.error}
              canRollback={canOperate && stack.availableActions.includes('ROLLBACK')}
              onStarted={started}
            />
          )}
          <StackHistory history={history} />
          {stack.repo && <StackWebhook stack={stack} canOperate={canOperate} />}
          <EditStackForm stack={stack} canEdit={canOperate} />
          {canOperate && <DeleteStack stack={stack} />}
        </>
      )}
    </div>
  );
}

function DeleteStack({ stack }: { stack: Stack }) {
  const [{ fetching, error }, remove] = useMutation(DELETE_STACK);
  const confirm = async () => {
    const result = await remove({ input: { id: stack.id, removeContainers: true } });
    if (result.data) navigate('/stacks');
  };
  return (
    <div class="row">
      <ConfirmButton
        label="Delete stack"
        question={`Delete ${stack.name} and remove its containers?`}
        disabled={fetching}
        onConfirm={confirm}
        testid="stack-delete"
      />
      {fetching && (
        <Waiting
          what={`deleting ${stack.name}: after its running action ends, ${stopWait('each container')}`}
          testid="stack-delete-waiting"
        />
      )}
      <ErrorNote error={error} testid="stack-delete-error" />
    </div>
  );
}
