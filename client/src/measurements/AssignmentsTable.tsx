// Each probe's part of a measurement: where it stands, what it delivered, and the times
// it measured (min / avg / max over its results).
import type { Measurement } from './queries';
import { AssignmentStatusBadge } from './StatusBadges';
import { SummaryCells, SummaryHeaders } from './SummaryCells';

export function AssignmentsTable({ measurement }: { measurement: Measurement }) {
  const summaries = new Map(measurement.probeSummaries.map((s) => [s.probeId, s]));
  return (
    <table class="grid assignments" data-testid="assignments-table">
      <thead>
        <tr>
          <th>Probe</th>
          <th>Part</th>
          <th class="num">Results</th>
          <SummaryHeaders />
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
              <SummaryCells summary={summary} />
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
