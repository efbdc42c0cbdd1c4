// A shell into the container in xterm.js: startContainerShell opens it at the terminal's
// size, shellOutput's bytes are written to the terminal, keystrokes go out in order (one
// sendShellInput at a time, typing meanwhile batched into the next), and a new size goes
// out as resizeShell. Leaving the page lets go of the output stream, which ends the
// session on the server.
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import { useClient } from '@urql/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { messageOf } from '../api/errors';
import { openStream, useStreams } from '../api/stream';
import { ErrorNote } from '../ui/ErrorNote';
import { CLOSE_SHELL, RESIZE_SHELL, SEND_SHELL_INPUT, SHELL_OUTPUT, START_SHELL } from './queries';

type ShellState = 'starting' | 'open' | 'ended';

function bytes(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

export interface ShellTerminalProps {
  serverId: string;
  containerId: string;
  command: string[];
  onDismiss: () => void;
}

export function ShellTerminal({ serverId, containerId, command, onDismiss }: ShellTerminalProps) {
  const client = useClient();
  const streams = useStreams();
  const box = useRef<HTMLDivElement>(null);
  const session = useRef<string | null>(null);
  const [state, setState] = useState<ShellState>('starting');
  const [ending, setEnding] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const element = box.current;
    if (!element) return undefined;
    const terminal = new Terminal({
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
      fontSize: 13,
      scrollback: 5000,
      theme: { background: '#0e1114' },
    });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.open(element);
    fit.fit();
    let left = false;
    let unsubscribe = () => {};
    let pending = '';
    let sending = false;
    const send = async () => {
      const id = session.current;
      if (sending || !pending || !id || left) return;
      sending = true;
      const data = pending;
      pending = '';
      const result = await client.mutation(SEND_SHELL_INPUT, { input: { sessionId: id, data } }).toPromise();
      sending = false;
      if (result.error && !left) setError(messageOf(result.error));
      void send();
    };
    const typed = terminal.onData((data) => {
      pending += data;
      void send();
    });
    let resizing: ReturnType<typeof setTimeout> | undefined;
    const resized = terminal.onResize(({ cols, rows }) => {
      clearTimeout(resizing);
      resizing = setTimeout(() => {
        const id = session.current;
        if (id && !left) void client.mutation(RESIZE_SHELL, { input: { sessionId: id, cols, rows } }).toPromise();
      }, 150);
    });
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(element);

    void (async () => {
      const input = { serverId, containerId, command, cols: terminal.cols, rows: terminal.rows };
      const result = await client.mutation(START_SHELL, { input }).toPromise();
      const id = result.data?.startContainerShell.id;
      if (left) {
        if (id) void client.mutation(CLOSE_SHELL, { input: { sessionId: id } }).toPromise();
        return;
      }
      if (!id) {
        setError(result.error ? messageOf(result.error) : 'the shell did not start');
        setState('ended');
        return;
      }
      session.current = id;
      setState('open');
      terminal.focus();
      unsubscribe = openStream(streams, SHELL_OUTPUT, { sessionId: id }, {
        item: ({ shellOutput }) => {
          if (shellOutput.ended) {
            setEnding(shellOutput.reason);
            setState('ended');
          } else {
            terminal.write(bytes(shellOutput.data));
          }
        },
        itemError: (e) => setError(e.message),
        failed: (message) => {
          setError(message);
          setState('ended');
        },
        done: () => setState('ended'),
      });
      void send();
    })();

    return () => {
      left = true;
      clearTimeout(resizing);
      observer.disconnect();
      typed.dispose();
      resized.dispose();
      unsubscribe();
      terminal.dispose();
    };
  }, [client, streams, serverId, containerId, command]);

  const close = () => {
    const id = session.current;
    if (id) void client.mutation(CLOSE_SHELL, { input: { sessionId: id } }).toPromise();
  };

  return (
    <div class="shell-panel" data-testid="shell" data-state={state}>
      <div class="toolbar">
        <span class="mono">{command.join(' ')}</span>
        <span class={state === 'open' ? 'live' : 'muted'} data-testid="shell-state">
          {state === 'starting' ? 'starting…' : state === 'open' ? '● connected' : `ended${ending ? `: ${ending}` : ''}`}
        </span>
        {state === 'open' ? (
          <button type="button" onClick={close} data-testid="shell-close">
            Close shell
          </button>
        ) : (
          state === 'ended' && (
            <button type="button" onClick={onDismiss} data-testid="shell-dismiss">
              Dismiss
            </button>
          )
        )}
      </div>
      <ErrorNote message={error} testid="shell-error" />
      <div class="terminal" ref={box} data-testid="shell-terminal" />
    </div>
  );
}
