// A bounded list fed by a stream of lines: only the newest `max` are kept, so hours of
// output do not grow memory (and the DOM) without end, and the list re-renders at most
// every FLUSH_MS however fast lines come.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

const FLUSH_MS = 100;

export interface LineBuffer<T> {
  lines: T[];
  /** Lines ever pushed since the last clear, kept or not. */
  received: number;
  push(line: T): void;
  clear(): void;
}

interface Snapshot<T> {
  lines: T[];
  received: number;
}

export function useLineBuffer<T>(max: number): LineBuffer<T> {
  const [snapshot, setSnapshot] = useState<Snapshot<T>>({ lines: [], received: 0 });
  const pending = useRef<T[]>([]);
  // Lines dropped from `pending` itself, when flushes are slow (a hidden tab's timers).
  const overflow = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const flush = useCallback(() => {
    timer.current = null;
    const added = pending.current;
    const dropped = overflow.current;
    pending.current = [];
    overflow.current = 0;
    setSnapshot((previous) => {
      const lines = previous.lines.concat(added);
      return {
        lines: lines.length > max ? lines.slice(lines.length - max) : lines,
        received: previous.received + dropped + added.length,
      };
    });
  }, [max]);

  const push = useCallback(
    (line: T) => {
      pending.current.push(line);
      if (pending.current.length > 2 * max) {
        const excess = pending.current.length - max;
        pending.current.splice(0, excess);
        overflow.current += excess;
      }
      timer.current ??= setTimeout(flush, FLUSH_MS);
    },
    [flush, max],
  );

  const clear = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    pending.current = [];
    overflow.current = 0;
    setSnapshot({ lines: [], received: 0 });
  }, []);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  return { ...snapshot, push, clear };
}
