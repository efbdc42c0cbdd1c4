// A coloured badge for a health status (UP / DEGRADED / DOWN).
import type { HealthStatus } from '../api/types';

export function StatusBadge({ status, testid }: { status: HealthStatus; testid?: string }) {
  return (
    <span class={`badge badge-${status.toLowerCase()}`} data-testid={testid}>
      {status}
    </span>
  );
}
