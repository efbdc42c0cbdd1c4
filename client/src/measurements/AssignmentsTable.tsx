// Each probe's part of a measurement: where it stands, what it delivered, and the times
// it measured (min / avg / max over its results).
import { Time } from '../ui/Time';
import type { Measurement } from './queries';
import { AssignmentStatusBadge } from './StatusBadges';

const ms = (value: number | null) => (value === null ? '—' : value.toFixed(2));

export function AssignmentsTable({ measurement }: { measurement: Measurement }) {
  const summaries = new Map(measurement.probeSummaries.map((s) => [s.probeId, s]));
  return (
    <table class="grid assignments" data-testid="assignments-table">
      <thead>
        <tr>
          <th>Probe</th>
          <th>Part</th>
          <th class="num">Results</th>
          <th class="num">Errors</th>
          <th class="num">Min / avg / max ms</th>
          <th>Last result</th>
        </tr>
      </thead>
      <tbody>
        {measurement.assignments.map((assignment) => {
          const summary = assignment.probe ? summaries.get(assignment.probe.id) : undefined;
          return (
            <tr key={assignment.id} data-testid={`assignment-row-${assignment.probe?.name ?? 'deleted'}`}>
              <td class="mono">{assignment.probe?.name ?? <span class="muted">deleted probe</span>}</td>
              <td>
                <AssignmentStatusBadge status={assignment.status} />
                {assignment.reason && <span class="muted"> {assignment.reason}</span>}
              </td>
              <td class="num mono" data-testid="assignment-delivered">
                {assignment.resultsDelivered} / {assignment.resultsExpected}
              </td>
              <td class="num mono">{summary?.errors ?? 0}</td>
              <td class="num mono">
                {summary ? `${ms(summary.minRttMs)} / ${ms(summary.avgRttMs)} / ${ms(summary.maxRttMs)}` : '—'}
              </td>
              <td>
                <Time value={summary?.lastMeasuredAt} empty="none yet" />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
