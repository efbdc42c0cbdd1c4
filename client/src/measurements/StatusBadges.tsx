// Coloured badges for a measurement's status and for one probe's part in it.
import type { Tone } from '../ui/Badge';
import { Badge } from '../ui/Badge';
import type { AssignmentStatus, MeasurementStatus } from './queries';

const MEASUREMENT_TONES: Record<MeasurementStatus, Tone> = { RUNNING: 'up', FINISHED: 'idle', CANCELLED: 'down' };

const ASSIGNMENT_TONES: Record<AssignmentStatus, Tone> = {
  WAITING: 'degraded',
  SENT: 'degraded',
  HELD: 'up',
  DONE: 'idle',
  CANCELLED: 'down',
  REFUSED: 'down',
};

export function MeasurementStatusBadge({ status }: { status: MeasurementStatus }) {
  return (
    <Badge tone={MEASUREMENT_TONES[status]} testid="measurement-status">
      {status}
    </Badge>
  );
}

export function AssignmentStatusBadge({ status }: { status: AssignmentStatus }) {
  return (
    <Badge tone={ASSIGNMENT_TONES[status]} testid="assignment-status">
      {status}
    </Badge>
  );
}
