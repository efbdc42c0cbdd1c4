// The columns a result summary fills, for a probe's part and for a target alike: errors,
// min / avg / max of the times, and when the last result came.
import { Time } from '../ui/Time';
import type { ResultSummary } from './queries';

const ms = (value: number | null) => (value === null ? '—' : value.toFixed(2));

export function SummaryHeaders() {
  return (
    <>
      <th class="num">Errors</th>
      <th class="num">Min / avg / max ms</th>
      <th>Last result</th>
    </>
  );
}

/** Blank cells (no errors, no times) for a part that has delivered nothing yet. */
export function SummaryCells({ summary }: { summary: ResultSummary | undefined }) {
  return (
    <>
      <td class="num mono">{summary?.errors ?? 0}</td>
      <td class="num mono">{summary ? `${ms(summary.minRttMs)} / ${ms(summary.avgRttMs)} / ${ms(summary.maxRttMs)}` : '—'}</td>
      <td>
        <Time value={summary?.lastMeasuredAt} empty="none yet" />
      </td>
    </>
  );
}
