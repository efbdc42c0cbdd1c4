// Measurements have no feed of their own: their operations do. A view of measurements
// reads them again when an operation of theirs changes, or when it is told to (a result
// came in); many calls within a second are one read.
import { useCallback, useEffect, useRef } from 'preact/hooks';
import type { OperationFilter } from '../api/schema.generated';
import { openLiveFeed, useStreams } from '../api/stream';
import { OPERATION_UPDATED } from '../operations/queries';

const AT_MOST_MS = 1000;

/** Calls `reread` after a change of the operations `filter` matches; returns "reread soon". */
export function useReread(filter: OperationFilter, reread: () => void): () => void {
  const streams = useStreams();
  const latest = useRef(reread);
  latest.current = reread;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const soon = useCallback(() => {
    timer.current ??= setTimeout(() => {
      timer.current = null;
      latest.current();
    }, AT_MOST_MS);
  }, []);
  const key = JSON.stringify(filter);

  useEffect(() => {
    const stop = openLiveFeed(streams, OPERATION_UPDATED, { filter: JSON.parse(key) as OperationFilter }, {
      item: soon,
      // Changes may have been missed: read again all the same.
      resync: soon,
      // The view stays as last read; a reload of the page starts the feed again.
      stopped: () => {},
    });
    return () => {
      stop();
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    };
  }, [streams, key, soon]);
  return soon;
}
