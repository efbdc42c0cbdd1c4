// Time as people read it at 3 am: "12 s ago", "4 min 05 s", and the exact instant with
// its zone. One shared ticker re-renders every relative time once a second, however
// many are shown.
import { useEffect, useState } from 'preact/hooks';

const TICK_MS = 1000;
const listeners = new Set<(now: number) => void>();
let ticker: ReturnType<typeof setInterval> | null = null;

/** The current time in milliseconds, re-rendering each second while mounted. */
export function useNow(): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    listeners.add(setNow);
    ticker ??= setInterval(() => {
      const at = Date.now();
      for (const listener of listeners) listener(at);
    }, TICK_MS);
    return () => {
      listeners.delete(setNow);
      if (listeners.size === 0 && ticker) {
        clearInterval(ticker);
        ticker = null;
      }
    };
  }, []);
  return now;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `850 ms`, `12.3 s`, `4 min 05 s`, `2 h 03 min`, `3 d 4 h`. */
export function formatDuration(ms: number): string {
  if (ms < 0) ms = 0;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${pad(s % 60)} s`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${pad(Math.floor((s % 3600) / 60))} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}

/** `just now`, `12 s ago`, `5 min ago`, `3 h ago`, `2 d ago`, `in 40 s`; a date past a week. */
export function formatRelative(at: number, now: number): string {
  const s = Math.round((now - at) / 1000);
  const ago = (text: string) => (s >= 0 ? `${text} ago` : `in ${text}`);
  const n = Math.abs(s);
  if (n < 3) return 'just now';
  if (n < 60) return ago(`${n} s`);
  if (n < 3600) return ago(`${Math.floor(n / 60)} min`);
  if (n < 86_400) return ago(`${Math.floor(n / 3600)} h`);
  if (n < 7 * 86_400) return ago(`${Math.floor(n / 86_400)} d`);
  const d = new Date(at);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

const ZONE = new Intl.DateTimeFormat('en', { timeZoneName: 'short' });

/** `2026-11-30 10:18:13.572 GMT+1 (Europe/Berlin)`: local time with its zone. */
export function formatExact(at: number): string {
  const d = new Date(at);
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  const zone = ZONE.formatToParts(d).find((part) => part.type === 'timeZoneName')?.value ?? '';
  return `${date} ${time} ${zone} (${Intl.DateTimeFormat().resolvedOptions().timeZone})`;
}
