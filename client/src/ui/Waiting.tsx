// What a slow action is waiting for and for how long at most, with the time so far:
// "stopping hiapp: up to 10 s before SIGKILL (3 s so far)". Shown while a mutation that
// makes the engine wait is in flight, so a button that stays busy says why.
import { useState } from 'preact/hooks';
import { formatDuration, useNow } from './clock';

/**
 * How long the server gives a container to exit after its stop signal before killing
 * it: the grace `stopContainer`, `restartContainer`, a redeploy and `deleteStack` use.
 */
export const STOP_GRACE_SECONDS = 10;

/** "stopping <name>: up to 10 s before SIGKILL", the wait a stop puts a container through. */
export function stopWait(name: string, doing = 'stopping'): string {
  return `${doing} ${name}: up to ${STOP_GRACE_SECONDS} s before SIGKILL`;
}

export function Waiting({ what, testid }: { what: string; testid: string }) {
  const [since] = useState(Date.now);
  const now = useNow();
  return (
    <span class="waiting muted" role="status" data-testid={testid}>
      {what} ({formatDuration(now - since)} so far)
    </span>
  );
}
