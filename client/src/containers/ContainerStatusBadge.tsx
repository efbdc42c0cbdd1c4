// A container's status as a badge. A running container that fails its health check is
// UNHEALTHY, in red: it must not pass for a running one at a glance.
import { Badge, type Tone } from '../ui/Badge';
import type { ContainerHealth, ContainerStatus } from './queries';

const TONES: Record<ContainerStatus, Tone> = {
  CREATED: 'idle',
  RUNNING: 'up',
  UNHEALTHY: 'down',
  PAUSED: 'degraded',
  RESTARTING: 'degraded',
  REMOVING: 'degraded',
  EXITED: 'idle',
  DEAD: 'down',
  REMOVED: 'idle',
};

export function ContainerStatusBadge({ status, health }: { status: ContainerStatus; health: ContainerHealth }) {
  return (
    <span class="container-status">
      <Badge tone={TONES[status]} testid="container-status">
        {status}
      </Badge>
      {health !== 'NONE' && status !== 'UNHEALTHY' && (
        <span class={`health health-${health.toLowerCase()}`} data-testid="container-health">
          {health.toLowerCase()}
        </span>
      )}
    </span>
  );
}
