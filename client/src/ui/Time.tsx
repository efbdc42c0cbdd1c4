// Renders a DateTime as local "YYYY-MM-DD HH:MM:SS" with the exact value on hover.
import type { DateTime } from '../api/types';

const pad = (n: number) => String(n).padStart(2, '0');

function formatTime(value: DateTime): string {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return `${date} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function Time({ value, empty = '—' }: { value: DateTime | null | undefined; empty?: string }) {
  if (!value) return <span class="muted">{empty}</span>;
  return (
    <time class="mono" dateTime={value} title={value}>
      {formatTime(value)}
    </time>
  );
}

/** A `datetime-local` input value as an RFC 3339 instant, or null when empty. */
export function localInputToIso(value: string): DateTime | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
