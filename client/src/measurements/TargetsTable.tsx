// What was measured of each target, over every probe: results, errors and times.
import type { ResultSummary } from './queries';
import { SummaryCells, SummaryHeaders } from './SummaryCells';

export function TargetsTable({ summaries }: { summaries: ResultSummary[] }) {
  return (
    <table class="grid" data-testid="targets-table">
      <thead>
        <tr>
          <th>Target</th>
          <th class="num">Results</th>
          <SummaryHeaders />
        </tr>
      </thead>
      <tbody>
        {summaries.map((summary) => (
          <tr key={summary.target} data-testid={`target-row-${summary.target}`}>
            <td class="mono">{summary.target}</td>
            <td class="num mono">{summary.results}</td>
            <SummaryCells summary={summary} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}
