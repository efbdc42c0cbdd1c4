// Measurements, newest first: what each measures, where it stands and what it reserved;
// each opens its page.
import { Link } from '../router';
import { Time } from '../ui/Time';
import { measurementPath } from './MeasurementPage';
import type { MeasurementSummary } from './queries';
import { MeasurementStatusBadge } from './StatusBadges';

const TARGETS_SHOWN = 3;

function targets(list: string[]): string {
  const shown = list.slice(0, TARGETS_SHOWN).join(', ');
  return list.length > TARGETS_SHOWN ? `${shown} and ${list.length - TARGETS_SHOWN} more` : shown;
}

export function MeasurementsTable({ measurements, filtered }: { measurements: MeasurementSummary[]; filtered: boolean }) {
  return (
    <table class="grid measurements" data-testid="measurements-table">
      <thead>
        <tr>
          <th>Created</th>
          <th>Kind</th>
          <th>Targets</th>
          <th>Status</th>
          <th class="num">Probes</th>
          <th class="num">Results asked</th>
          <th class="num">Credits reserved</th>
          <th>By</th>
        </tr>
      </thead>
      <tbody>
        {measurements.length === 0 && (
          <tr>
            <td colSpan={8} class="muted">
              {filtered ? 'No measurements match.' : 'No measurements yet.'}
            </td>
          </tr>
        )}
        {measurements.map((m) => (
          <tr key={m.id} data-testid="measurement-row" data-status={m.status}>
            <td>
              <Link href={measurementPath(m.id)}>
                <Time value={m.createdAt} />
              </Link>
            </td>
            <td class="mono">{m.kind}</td>
            <td class="mono" title={m.description ?? undefined}>
              {targets(m.targets)}
            </td>
            <td>
              <MeasurementStatusBadge status={m.status} />
            </td>
            <td class="num mono">{m.probeCount}</td>
            <td class="num mono">{m.resultsExpected}</td>
            <td class="num mono">{m.creditsReserved}</td>
            <td>{m.owner?.username ?? <span class="muted">deleted user</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
