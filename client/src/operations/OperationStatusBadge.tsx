// An operation's status as a badge, with the exit code once it has one.
import { Badge, type Tone } from '../ui/Badge';
import type { OperationStatus } from './queries';

const TONES: Record<OperationStatus, Tone> = {
  QUEUED: 'idle',
  RUNNING: 'degraded',
  SUCCEEDED: 'up',
  FAILED: 'down',
  CANCELLED: 'idle',
  INTERRUPTED: 'down',
};

export function OperationStatusBadge({ status, exitCode }: { status: OperationStatus; exitCode: number | null }) {
  return (
    <span class="operation-status">
      <Badge tone={TONES[status]} testid="operation-status">
        {status}
      </Badge>
      {exitCode != null && (
        <span class="mono muted" data-testid="operation-exit-code">
          {' '}
          exit {exitCode}
        </span>
      )}
    </span>
  );
}
