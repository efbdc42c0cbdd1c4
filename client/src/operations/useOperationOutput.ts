// An operation's output as a bounded list: what is stored, then new lines in batches,
// until the operation ends (the server then ends the stream and `onEnd` is called).
// Lines the server dropped because this view fell behind (LAGGED) show as a notice
// where they were.
import { useEffect, useRef, useState } from 'preact/hooks';
import { openStream, useStreams } from '../api/stream';
import type { PaneEntry } from '../ui/LogPane';
import { useLineBuffer } from '../ui/useLineBuffer';
import { OPERATION_OUTPUT } from './queries';

/** Lines kept (and in the DOM) at most; older ones are let go. */
export const MAX_LINES = 5000;

export function useOperationOutput(operationId: string, onEnd: () => void) {
  const streams = useStreams();
  const buffer = useLineBuffer<PaneEntry>(MAX_LINES);
  const { push, clear } = buffer;
  const [ended, setEnded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const latestOnEnd = useRef(onEnd);
  latestOnEnd.current = onEnd;

  useEffect(() => {
    clear();
    setEnded(false);
    setError(null);
    let nextId = 0;
    return openStream(streams, OPERATION_OUTPUT, { operationId }, {
      // Each message is a batch: the lines that came since the previous one.
      item: ({ operationOutput: lines }) => {
        for (const line of lines) {
          push({ id: nextId++, stream: line.stream, text: line.text, timestamp: line.timestamp });
        }
      },
      itemError: (e) => {
        if (e.extensions?.code === 'LAGGED') push({ id: nextId++, missed: Number(e.extensions.missed) || 0 });
        else setError(e.message);
      },
      failed: setError,
      done: () => {
        setEnded(true);
        latestOnEnd.current();
      },
    });
  }, [streams, operationId, push, clear]);

  return { entries: buffer.lines, received: buffer.received, ended, error };
}
