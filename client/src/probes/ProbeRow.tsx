// One probe in the list: its live state (connected since when, or when it was last seen),
// what it runs, its load, and for operators Revoke and Delete, asked twice.
import { useMutation } from '@urql/preact';
import { Badge } from '../ui/Badge';
import { ConfirmButton } from '../ui/ConfirmButton';
import { ErrorNote } from '../ui/ErrorNote';
import { Time } from '../ui/Time';
import { DELETE_PROBE, type Probe, REVOKE_PROBE } from './queries';

export const COLUMNS = 10;

function State({ probe }: { probe: Probe }) {
  if (probe.connected) return <Badge tone="up" testid="probe-state">CONNECTED</Badge>;
  // A probe that never connected has not said its capacity yet.
  if (probe.capacity === null) return <Badge tone="idle" testid="probe-state">NEVER CONNECTED</Badge>;
  return <Badge tone="down" testid="probe-state">DISCONNECTED</Badge>;
}

function LastSeen({ probe }: { probe: Probe }) {
  if (probe.connected) {
    return (
      <span data-testid="probe-last-seen">
        now <span class="muted">(connected <Time value={probe.connectedSince} />)</span>
      </span>
    );
  }
  return (
    <span data-testid="probe-last-seen">
      <Time value={probe.lastSeenAt} empty="never" />
    </span>
  );
}

// Rounded to 0.1 ms, without a "-0.0" for a tiny negative offset.
const offset = (ms: number) => (Math.abs(ms) < 0.05 ? 0 : ms).toFixed(1);

const coordinate = (value: number, positive: string, negative: string) =>
  `${Math.abs(value).toFixed(2)}° ${value >= 0 ? positive : negative}`;

export function ProbeRow({ probe, canManage }: { probe: Probe; canManage: boolean }) {
  const [revoking, revoke] = useMutation(REVOKE_PROBE);
  const [deleting, remove] = useMutation(DELETE_PROBE);
  const { latitude, longitude } = probe.location;

  return (
    <tr data-testid={`probe-row-${probe.name}`}>
      <td class="mono">{probe.name}</td>
      <td>
        <State probe={probe} />
      </td>
      <td>
        <LastSeen probe={probe} />
      </td>
      <td class="mono" data-testid="probe-version">
        {probe.softwareVersion ?? <span class="muted">—</span>}
      </td>
      <td class="num mono" data-testid="probe-load" title="assignments held / capacity">
        {probe.capacity === null ? <span class="muted">—</span> : `${probe.inUse} / ${probe.capacity}`}
      </td>
      <td class="num mono" title="its clock minus the server's">
        {probe.clockOffsetMs === null ? <span class="muted">—</span> : `${offset(probe.clockOffsetMs)} ms`}
      </td>
      <td class="num mono">{probe.resultsDelivered}</td>
      <td class="mono location">
        {coordinate(latitude, 'N', 'S')}, {coordinate(longitude, 'E', 'W')}
      </td>
      <td>{probe.tags.length > 0 ? probe.tags.join(', ') : <span class="muted">—</span>}</td>
      <td class="actions">
        {canManage && (
          <>
            <ConfirmButton
              label="Revoke"
              question={`Cut ${probe.name} off for good?`}
              disabled={revoking.fetching}
              onConfirm={() => revoke({ input: { id: probe.id } })}
              testid="probe-revoke"
            />
            <ConfirmButton
              label="Delete"
              question={`Delete ${probe.name}? Its results stay.`}
              disabled={deleting.fetching}
              onConfirm={() => remove({ input: { id: probe.id } })}
              testid="probe-delete"
            />
          </>
        )}
        <ErrorNote error={revoking.error ?? deleting.error} testid="probe-action-error" />
      </td>
    </tr>
  );
}
