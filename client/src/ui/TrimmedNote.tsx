// Says how many of the oldest lines a bounded pane (see useLineBuffer) has let go, or nothing.
interface TrimmedNoteProps {
  /** Lines received but no longer kept. */
  trimmed: number;
  /** The most lines the pane keeps. */
  max: number;
  testid: string;
}

export function TrimmedNote({ trimmed, max, testid }: TrimmedNoteProps) {
  if (trimmed <= 0) return null;
  return (
    <p class="muted log-trimmed" data-testid={testid}>
      {trimmed.toLocaleString('en')} older line{trimmed === 1 ? '' : 's'} let go: the viewer keeps the newest{' '}
      {max.toLocaleString('en')}.
    </p>
  );
}
