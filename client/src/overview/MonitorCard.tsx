// The overview's word on monitor itself: its health (read every few seconds), version,
// how long it has run, and each component that is not up.
import { useQuery } from '@urql/preact';
import { HEALTH, REFRESH_MS } from '../health/queries';
import { Link } from '../router';
import { ErrorNote } from '../ui/ErrorNote';
import { StatusBadge } from '../ui/StatusBadge';
import { Time } from '../ui/Time';
import { useInterval } from '../ui/useInterval';

export function MonitorCard() {
  const [{ data, error }, refresh] = useQuery({ query: HEALTH, requestPolicy: 'network-only' });
  useInterval(() => refresh({ requestPolicy: 'network-only' }), REFRESH_MS);
  const health = data?.health;
  const failing = health?.components.filter((c) => c.status !== 'UP') ?? [];

  return (
    <section class="card stack" data-testid="overview-monitor">
      <div class="toolbar">
        <h2>Monitor</h2>
        {health && (
          <Link href="/health" data-testid="overview-health">
            <StatusBadge status={health.status} testid="overview-health-status" />
          </Link>
        )}
      </div>
      <ErrorNote error={error} />
      {health && (
        <>
          <p class="muted">
            version <span class="mono">{health.version}</span>, started <Time value={health.startedAt} />;{' '}
            <Link href="/health" data-testid="overview-components-up">
              {health.components.length - failing.length} of {health.components.length} components up
            </Link>
          </p>
          <ul class="plain">
            {failing.map((c) => (
              <li key={c.name} class="row" data-testid={`overview-component-${c.name}`}>
                <StatusBadge status={c.status} />
                <span class="mono">{c.name}</span>
                <span class="muted">{c.message}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
