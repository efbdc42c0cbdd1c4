// The buttons of one container's row (OPERATOR): start, stop, restart, and remove after a
// confirmation. Each reports its own failure inline and asks the list to be read again;
// a stop or restart says what it waits for, and how long at most.
import { type TypedDocumentNode, useMutation } from '@urql/preact';
import { ConfirmButton } from '../ui/ConfirmButton';
import { ErrorNote } from '../ui/ErrorNote';
import { stopWait, Waiting } from '../ui/Waiting';
import {
  type ContainerRef,
  type ContainerSummary,
  REMOVE_CONTAINER,
  RESTART_CONTAINER,
  START_CONTAINER,
  STOP_CONTAINER,
} from './queries';

const STOPPABLE = new Set(['RUNNING', 'UNHEALTHY', 'PAUSED', 'RESTARTING']);
const STARTABLE = new Set(['CREATED', 'EXITED', 'DEAD']);

function useAction<Data>(
  document: TypedDocumentNode<Data, { input: ContainerRef }>,
  container: ContainerSummary,
  onDone: () => void,
) {
  const [{ fetching, error }, run] = useMutation(document);
  const act = async () => {
    const result = await run({ input: { serverId: container.serverId, id: container.id } });
    if (result.data) onDone();
  };
  return { fetching, error, act };
}

interface ContainerActionsProps {
  container: ContainerSummary;
  /** Called after an action succeeded; `removed` after a removal. */
  onChanged: (removed?: boolean) => void;
}

export function ContainerActions({ container, onChanged }: ContainerActionsProps) {
  const start = useAction(START_CONTAINER, container, onChanged);
  const stop = useAction(STOP_CONTAINER, container, onChanged);
  const restart = useAction(RESTART_CONTAINER, container, onChanged);
  const remove = useAction(REMOVE_CONTAINER, container, () => onChanged(true));
  const busy = start.fetching || stop.fetching || restart.fetching || remove.fetching;
  const error = start.error ?? stop.error ?? restart.error ?? remove.error;

  return (
    <>
      {STARTABLE.has(container.status) && (
        <button type="button" disabled={busy} onClick={start.act} data-testid="container-start">
          Start
        </button>
      )}
      {STOPPABLE.has(container.status) && (
        <button type="button" disabled={busy} onClick={stop.act} data-testid="container-stop">
          {stop.fetching ? 'Stopping…' : 'Stop'}
        </button>
      )}
      <button type="button" disabled={busy || container.status === 'REMOVING'} onClick={restart.act} data-testid="container-restart">
        Restart
      </button>
      <ConfirmButton
        label="Remove"
        question={`Remove ${container.name}?`}
        disabled={busy}
        onConfirm={remove.act}
        testid="container-remove"
      />
      {stop.fetching && <Waiting what={stopWait(container.name)} testid="container-waiting" />}
      {restart.fetching && <Waiting what={stopWait(container.name, 'restarting')} testid="container-waiting" />}
      <ErrorNote error={error} testid="container-action-error" />
    </>
  );
}
