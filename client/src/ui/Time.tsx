// A moment as "12 s ago" (kept current), the exact local time and zone on hover; and how
// long something took, or has been running so far.
import type { DateTime } from '../api/types';
import { formatDuration, formatExact, formatRelative, useNow } from './clock';

export function Time({ value, empty = '—' }: { value: DateTime | null | undefined; empty?: string }) {
  const now = useNow();
  const at = value ? Date.parse(value) : Number.NaN;
  if (!value) return <span class="muted">{empty}</span>;
  if (Number.isNaN(at)) return <span class="mono">{value}</span>;
  return (
    <time class="mono" dateTime={value} title={formatExact(at)}>
      {formatRelative(at, now)}
    </time>
  );
}

interface DurationProps {
  from: DateTime | null;
  to: DateTime | null;
  /** Whether it is over, even with no `to` (nothing then counts on). */
  ended: boolean;
}

/**
 * From `from` to `to`: "4 min 05 s"; while it runs, the time so far, kept current
 * ("12 s so far").
 */
export function Duration({ from, to, ended }: DurationProps) {
  const now = useNow();
  if (!from || (ended && !to)) return <span class="muted">—</span>;
  const start = Date.parse(from);
  if (to) {
    return (
      <span class="mono" title={`${formatExact(start)} → ${formatExact(Date.parse(to))}`} data-testid="duration">
        {formatDuration(Date.parse(to) - start)}
      </span>
    );
  }
  return (
    <span class="mono running" title={`since ${formatExact(start)}`} data-testid="duration">
      {formatDuration(now - start)} so far
    </span>
  );
}

/** A `datetime-local` input value as an RFC 3339 instant, or null when empty. */
export function localInputToIso(value: string): DateTime | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
