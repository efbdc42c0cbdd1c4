// One container's log as a bounded list of entries: its lines, and a notice wherever the
// server dropped lines because this viewer fell behind (LAGGED). A new tail size or
// follow setting starts the log over.
import { useEffect, useRef, useState } from 'preact/hooks';
import { openStream, useStreams } from '../api/stream';
import type { PaneEntry } from '../ui/LogPane';
import { useLineBuffer } from '../ui/useLineBuffer';
import { CONTAINER_LOGS } from './queries';

/** Lines kept (and in the DOM) at most; older ones are let go. */
export const MAX_LINES = 5000;

export type LogState = 'streaming' | 'ended' | 'failed';

export function useContainerLogs(serverId: string, containerId: string, tail: number, follow: boolean) {
  const streams = useStreams();
  const buffer = useLineBuffer<PaneEntry>(MAX_LINES);
  const { push, clear } = buffer;
  const [state, setState] = useState<LogState>('streaming');
  const [error, setError] = useState<string | null>(null);
  const nextId = useRef(0);

  useEffect(() => {
    clear();
    setState('streaming');
    setError(null);
    return openStream(streams, CONTAINER_LOGS, { serverId, containerId, tail, follow }, {
      item: (data) => push({ id: nextId.current++, ...data.containerLogs }),
      itemError: (e) => {
        if (e.extensions?.code === 'LAGGED') {
          push({ id: nextId.current++, missed: Number(e.extensions.missed) || 0 });
        } else {
          setState('failed');
          setError(e.message);
        }
      },
      failed: (message) => {
        setState('failed');
        setError(message);
      },
      // A failure sent as an item is followed by the end of the stream: keep the failure.
      done: () => setState((current) => (current === 'failed' ? current : 'ended')),
    });
  }, [streams, serverId, containerId, tail, follow, push, clear]);

  return { entries: buffer.lines, received: buffer.received, state, error };
}
