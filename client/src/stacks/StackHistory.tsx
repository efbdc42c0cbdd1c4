// A stack's runs, newest first and kept live (a run a webhook starts appears, and each
// shows its status as it changes), each linking to its output; a pipeline run opens its
// steps (the operations whose parent it is) in the order they ran, live as well.
import { useMemo, useState } from 'preact/hooks';
import { operationPath } from '../operations/OperationPage';
import { OperationStatusBadge } from '../operations/OperationStatusBadge';
import { isFinished, type Operation, type OperationOrder } from '../operations/queries';
import { useOperations } from '../operations/useOperations';
import { Link } from '../router';
import { ErrorNote } from '../ui/ErrorNote';
import { LiveMark } from '../ui/LiveMark';
import { Duration, Time } from '../ui/Time';

const OLDEST_FIRST: OperationOrder = { field: 'CREATED_AT', direction: 'ASC' };
const COLUMNS = 8;

type History = ReturnType<typeof useOperations>;

export function StackHistory({ history }: { history: History }) {
  return (
    <div class="card stack" data-testid="stack-history">
      <div class="toolbar">
        <h2>History</h2>
        <LiveMark error={history.liveError} onReload={history.reload} testid="stack-history-live" />
        {history.loading && <span class="muted">Loading…</span>}
      </div>
      <ErrorNote error={history.error} />
      <table class="grid operations">
        <thead>
          <tr>
            <th>Created</th>
            <th>Kind</th>
            <th>Status</th>
            <th>Trigger</th>
            <th>What</th>
            <th>By</th>
            <th>Took</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {!history.loading && history.operations.length === 0 && (
            <tr>
              <td colSpan={COLUMNS} class="muted">
                Nothing has run yet.
              </td>
            </tr>
          )}
          {history.operations.map((operation) => (
            <HistoryRow key={operation.id} operation={operation} />
          ))}
        </tbody>
      </table>
      {history.pageInfo?.hasNextPage && (
        <button type="button" onClick={history.loadMore} disabled={history.loading} data-testid="stack-history-more">
          Load more
        </button>
      )}
    </div>
  );
}

function HistoryRow({ operation }: { operation: Operation }) {
  const [open, setOpen] = useState(false);
  const isPipeline = operation.kind === 'PIPELINE';
  return (
    <>
      <tr
        data-testid="stack-operation"
        data-id={operation.id}
        data-kind={operation.kind}
        data-trigger={operation.trigger}
        data-status={operation.status}
      >
        <td>
          <Time value={operation.createdAt} />
        </td>
        <td class="mono">{operation.kind}</td>
        <td>
          <OperationStatusBadge status={operation.status} exitCode={operation.exitCode} />
        </td>
        <td class="mono">{operation.trigger}</td>
        <td class="mono target" title={operation.target}>
          {operation.target}
        </td>
        <td class="mono">{operation.actor.name}</td>
        <td>
          <Duration from={operation.startedAt} to={operation.finishedAt} ended={isFinished(operation.status)} />
        </td>
        <td class="actions">
          {isPipeline && (
            <button type="button" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="stack-operation-steps">
              {open ? 'Hide steps' : 'Steps'}
            </button>
          )}
          <Link href={operationPath(operation.id)} data-testid="stack-operation-link">
            Output ({operation.outputLines})
          </Link>
        </td>
      </tr>
      {open && (
        <tr class="pipeline-steps">
          <td colSpan={COLUMNS}>
            <PipelineSteps parentId={operation.id} />
          </td>
        </tr>
      )}
    </>
  );
}

function PipelineSteps({ parentId }: { parentId: string }) {
  const filter = useMemo(() => ({ parentId }), [parentId]);
  const steps = useOperations(filter, { orderBy: OLDEST_FIRST });
  if (steps.error) return <ErrorNote error={steps.error} />;
  if (!steps.loading && steps.operations.length === 0) return <span class="muted">No steps have started.</span>;
  return (
    <ol class="steps" data-testid="pipeline-steps">
      {steps.operations.map((step) => (
        <li key={step.id} class="row" data-testid="pipeline-step" data-kind={step.kind} data-status={step.status}>
          <OperationStatusBadge status={step.status} exitCode={step.exitCode} />
          <span class="mono">{step.target}</span>
          <Link href={operationPath(step.id)} data-testid="pipeline-step-link">
            Output ({step.outputLines})
          </Link>
        </li>
      ))}
      {steps.pageInfo?.hasNextPage && (
        <li>
          <button type="button" onClick={steps.loadMore} disabled={steps.loading}>
            More steps
          </button>
        </li>
      )}
    </ol>
  );
}
