// One operation as it runs and after: status (with exit code), what ran where and by
// whom, a Cancel button while it runs (OPERATOR), and its output live. The command runner,
// the operation page and the stack page show it.
import { useMutation, useQuery } from '@urql/preact';
import { roleAllows } from '../api/types';
import { useServerChoices } from '../servers/useServerChoices';
import { useSession } from '../session/session';
import { ErrorNote } from '../ui/ErrorNote';
import { LogPane } from '../ui/LogPane';
import { Duration, Time } from '../ui/Time';
import { TrimmedNote } from '../ui/TrimmedNote';
import { useInterval } from '../ui/useInterval';
import { OperationStatusBadge } from './OperationStatusBadge';
import { CANCEL_OPERATION, OPERATION, type Operation, isFinished } from './queries';
import { MAX_LINES, useOperationOutput } from './useOperationOutput';
import './operations.css';

// The output stream says when the operation ends; this catches QUEUED → RUNNING.
const REFRESH_MS = 2000;

/** `onEnd` is called once the operation has ended (at once, for one that already had). */
export function OperationDetail({ id, onEnd }: { id: string; onEnd?: () => void }) {
  const [{ data, error }, refresh] = useQuery({ query: OPERATION, variables: { id }, requestPolicy: 'network-only' });
  const operation = data?.operation;
  const running = !!operation && !isFinished(operation.status);
  useInterval(() => {
    if (running) refresh({ requestPolicy: 'network-only' });
  }, REFRESH_MS);
  const output = useOperationOutput(id, () => {
    refresh({ requestPolicy: 'network-only' });
    onEnd?.();
  });
  const trimmed = output.received - output.entries.length;

  return (
    <div class="stack operation" data-testid="operation-detail" data-operation-id={id}>
      <ErrorNote error={error} />
      {data && !operation && <ErrorNote message={`No operation ${id}.`} />}
      {operation && <Summary operation={operation} running={running} />}
      <ErrorNote message={output.error} testid="operation-output-error" />
      <TrimmedNote trimmed={trimmed} max={MAX_LINES} testid="operation-output-trimmed" />
      <LogPane entries={output.entries} stickToBottom={!output.ended} testid="operation-output" />
      {output.ended && output.entries.length === 0 && <p class="muted">No output.</p>}
    </div>
  );
}

function Summary({ operation, running }: { operation: Operation; running: boolean }) {
  const { viewer } = useSession();
  const { nameOf } = useServerChoices();
  const [cancelling, cancel] = useMutation(CANCEL_OPERATION);

  return (
    <div class="card operation-summary">
      <div class="row">
        <OperationStatusBadge status={operation.status} exitCode={operation.exitCode} />
        <code class="operation-target" data-testid="operation-target">
          {operation.target}
        </code>
        {running && roleAllows(viewer.role, 'OPERATOR') && (
          <button
            type="button"
            class="danger"
            disabled={cancelling.fetching}
            onClick={() => cancel({ input: { id: operation.id } })}
            data-testid="operation-cancel"
          >
            {cancelling.fetching ? 'Cancelling…' : 'Cancel'}
          </button>
        )}
      </div>
      <dl class="facts">
        {operation.serverId && (
          <>
            <dt>Server</dt>
            <dd class="mono">{nameOf(operation.serverId)}</dd>
          </>
        )}
        <dt>Directory</dt>
        <dd class="mono">{operation.workingDirectory ?? <span class="muted">the server's root directory</span>}</dd>
        <dt>By</dt>
        <dd class="mono">{operation.actor.name}</dd>
        <dt>Started</dt>
        <dd>
          <Time value={operation.startedAt} empty="not yet" />
        </dd>
        <dt>Finished</dt>
        <dd>
          <Time value={operation.finishedAt} empty="not yet" />
        </dd>
        <dt>Took</dt>
        <dd data-testid="operation-took">
          <Duration from={operation.startedAt} to={operation.finishedAt} ended={isFinished(operation.status)} />
        </dd>
      </dl>
      {operation.error && <ErrorNote message={operation.error} testid="operation-error" />}
      <ErrorNote error={cancelling.error} testid="operation-cancel-error" />
    </div>
  );
}
