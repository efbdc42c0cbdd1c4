// The buttons of one container's row (OPERATOR): start, stop, restart, and remove after a
// confirmation. Each reports its own failure inline and asks the list to be read again.
import { type TypedDocumentNode, useMutation } from '@urql/preact';
import { ConfirmButton } from '../ui/ConfirmButton';
import { ErrorNote } from '../ui/ErrorNote';
import {
  type Container,
  type ContainerRef,
  REMOVE_CONTAINER,
  RESTART_CONTAINER,
  START_CONTAINER,
  STOP_CONTAINER,
} from './queries';

const STOPPABLE = new Set(['RUNNING', 'UNHEALTHY', 'PAUSED', 'RESTARTING']);
const STARTABLE = new Set(['CREATED', 'EXITED', 'DEAD']);

function useAction<Data>(document: TypedDocumentNode<Data, { input: ContainerRef }>, container: Container, onDone: () => void) {
  const [{ fetching, error }, run] = useMutation(document);
  const act = async () => {
    const result = await run({ input: { serverId: container.serverId, id: container.id } });
    if (result.data) onDone();
  };
  return { fetching, error, act };
}

export function ContainerActions({ container, onChanged }: { container: Container; onChanged: () => void }) {
  const start = useAction(START_CONTAINER, container, onChanged);
  const stop = useAction(STOP_CONTAINER, container, onChanged);
  const restart = useAction(RESTART_CONTAINER, container, onChanged);
  const remove = useAction(REMOVE_CONTAINER, container, onChanged);
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
      <ErrorNote error={error} testid="container-action-error" />
    </>
  );
}
