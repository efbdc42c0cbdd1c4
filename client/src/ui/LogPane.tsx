// A pane of output lines (container logs, command output): monospace, each stream in its
// own colour, "lines dropped" notices where they happened; kept scrolled to the newest
// line when `stickToBottom`, unless the reader has scrolled up.
import { useEffect, useRef } from 'preact/hooks';
import type { DateTime } from '../api/types';

export type PaneEntry =
  | { id: number; stream: string; text: string; timestamp: DateTime }
  /** Lines the server dropped here because the reader fell behind (LAGGED). */
  | { id: number; missed: number };

// How close to the bottom still counts as "at the bottom".
const STICKY_PX = 40;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function clock(timestamp: DateTime): string {
  const d = new Date(timestamp);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

interface LogPaneProps {
  entries: PaneEntry[];
  stickToBottom: boolean;
  testid: string;
}

export function LogPane({ entries, stickToBottom, testid }: LogPaneProps) {
  const pane = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);

  useEffect(() => {
    const el = pane.current;
    if (el && stickToBottom && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [entries, stickToBottom]);

  const onScroll = () => {
    const el = pane.current;
    if (el) atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICKY_PX;
  };

  return (
    <div class="log" ref={pane} onScroll={onScroll} data-testid={testid}>
      {entries.map((entry) =>
        'missed' in entry ? (
          <div key={entry.id} class="log-notice" data-testid="log-lagged">
            … {entry.missed} line{entry.missed === 1 ? '' : 's'} dropped: this view fell behind …
          </div>
        ) : (
          <div key={entry.id} class={`log-line log-${entry.stream.toLowerCase()}`} data-testid="log-line" data-stream={entry.stream}>
            <time class="log-time" dateTime={entry.timestamp} title={entry.timestamp}>
              {clock(entry.timestamp)}
            </time>
            <span class="log-text">{entry.text}</span>
          </div>
        ),
      )}
    </div>
  );
}
