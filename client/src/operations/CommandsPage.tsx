// Run command (OPERATOR): a shell command on one server, run by `sh -c` as an operation,
// its output shown live below. The operation's id goes into the URL (?operation=…), so a
// reload or a shared link shows the same run.
import { useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { formErrors } from '../api/errors';
import { navigate, useLocation } from '../router';
import { ServerSelect } from '../servers/ServerSelect';
import { useServerChoices } from '../servers/useServerChoices';
import { ErrorNote } from '../ui/ErrorNote';
import { Field } from '../ui/Field';
import { OperationDetail } from './OperationDetail';
import { RUN_COMMAND } from './queries';

export function CommandsPage() {
  const { query } = useLocation();
  const operationId = query.get('operation');
  const { servers } = useServerChoices();
  const [serverId, setServerId] = useState('');
  const [command, setCommand] = useState('');
  const [directory, setDirectory] = useState('');
  const [{ fetching, error }, run] = useMutation(RUN_COMMAND);
  const errors = formErrors(error);

  const submit = async (event: Event) => {
    event.preventDefault();
    const result = await run({
      input: { serverId, command, ...(directory.trim() ? { workingDirectory: directory.trim() } : {}) },
    });
    if (result.data) navigate(`/commands?operation=${encodeURIComponent(result.data.runCommand.id)}`);
  };

  return (
    <div class="stack">
      <form class="card form-row" onSubmit={submit} data-testid="run-command-form">
        <h2>Run a command</h2>
        <Field label="Server" error={errors.fields.serverId} testid="run-command-server">
          <ServerSelect servers={servers} value={serverId} onChange={setServerId} testid="run-command-server" />
        </Field>
        <Field label="Command (sh -c)" error={errors.fields.command} testid="run-command-command" wide>
          <input
            class="mono"
            value={command}
            placeholder="df -h; docker ps"
            onInput={(e) => setCommand(e.currentTarget.value)}
            data-testid="run-command-command"
          />
        </Field>
        <Field label="Working directory (optional)" error={errors.fields.workingDirectory} testid="run-command-directory">
          <input
            class="mono"
            value={directory}
            placeholder="the server's root directory"
            onInput={(e) => setDirectory(e.currentTarget.value)}
            data-testid="run-command-directory"
          />
        </Field>
        <button type="submit" class="primary" disabled={fetching} data-testid="run-command-submit">
          {fetching ? 'Starting…' : 'Run'}
        </button>
        <ErrorNote message={errors.general} testid="run-command-error" />
      </form>
      {operationId && <OperationDetail key={operationId} id={operationId} />}
    </div>
  );
}
