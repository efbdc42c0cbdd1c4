// The shell card (OPERATOR): the command to run, then the terminal once opened. The
// terminal (xterm.js, most of this page's weight) loads only when a shell is opened.
import type { FunctionComponent } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ErrorNote } from '../ui/ErrorNote';
import type { ShellTerminalProps } from './ShellTerminal';

type Terminal = FunctionComponent<ShellTerminalProps>;

export function ContainerShell({ serverId, containerId, running }: { serverId: string; containerId: string; running: boolean }) {
  const [command, setCommand] = useState('/bin/sh');
  const [opened, setOpened] = useState(0);
  const [terminal, setTerminal] = useState<Terminal | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const argv = useMemo(() => command.trim().split(/\s+/).filter(Boolean), [command]);
  useEffect(() => {
    if (opened === 0 || terminal) return;
    import('./ShellTerminal')
      .then((module) => setTerminal(() => module.ShellTerminal))
      .catch((error: Error) => setFailed(`the terminal did not load: ${error.message}`));
  }, [opened, terminal]);
  const Shell = terminal;
  return (
    <section class="card" data-testid="container-shell">
      <div class="toolbar">
        <h2>Shell</h2>
        {opened === 0 && (
          <form
            class="row"
            onSubmit={(event) => {
              event.preventDefault();
              setOpened((n) => n + 1);
            }}
          >
            <input value={command} onInput={(e) => setCommand(e.currentTarget.value)} aria-label="command" class="mono" data-testid="shell-command" />
            <button type="submit" class="primary" disabled={!running || argv.length === 0} data-testid="shell-open">
              Open shell
            </button>
            {!running && <span class="muted">the container is not running</span>}
          </form>
        )}
      </div>
      <ErrorNote message={failed} testid="shell-error" />
      {opened > 0 && Shell && (
        <Shell key={opened} serverId={serverId} containerId={containerId} command={argv} onDismiss={() => setOpened(0)} />
      )}
    </section>
  );
}
