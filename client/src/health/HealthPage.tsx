// Health: the overall status and one row per component, refreshed every few seconds.
import { useQuery } from '@urql/preact';
import { ErrorNote } from '../ui/ErrorNote';
import { StatusBadge } from '../ui/StatusBadge';
import { Time } from '../ui/Time';
import { useInterval } from '../ui/useInterval';
import { HEALTH, REFRESH_MS } from './queries';

export function HealthPage() {
  const [{ data, error }, refresh] = useQuery({ query: HEALTH, requestPolicy: 'network-only' });
  useInterval(() => refresh({ requestPolicy: 'network-only' }), REFRESH_MS);
  const health = data?.health;

  return (
    <div class="stack">
      <ErrorNote error={error} />
      {health && (
        <>
          <div class="summary">
            <span>
              Overall <StatusBadge status={health.status} testid="health-status" />
            </span>
            <span>
              version <span class="mono">{health.version}</span>
            </span>
            <span>
              started <Time value={health.startedAt} />
            </span>
            <span class="muted">refreshes every {REFRESH_MS / 1000} s</span>
          </div>
          <table class="grid" data-testid="health-table">
            <thead>
              <tr>
                <th>Component</th>
                <th>Status</th>
                <th>Message</th>
                <th>Checked at</th>
                <th class="num">Latency</th>
              </tr>
            </thead>
            <tbody>
              {health.components.map((c) => (
                <tr key={c.name} data-testid={`health-row-${c.name}`}>
                  <td class="mono">{c.name}</td>
                  <td>
                    <StatusBadge status={c.status} testid="component-status" />
                  </td>
                  <td>{c.message ?? <span class="muted">—</span>}</td>
                  <td>
                    <Time value={c.checkedAt} />
                  </td>
                  <td class="num mono">{c.latencyMs == null ? '—' : `${c.latencyMs.toFixed(1)} ms`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
