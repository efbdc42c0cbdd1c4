// Measurements: the newest first, mine or everyone's, of one status or all (?mine=1,
// ?status=…), kept current as their operations change; for operators the builder of a
// new one.
import { useQuery } from '@urql/preact';
import { roleAllows } from '../api/types';
import { navigate, useLocation } from '../router';
import { useProbes } from '../probes/useProbes';
import { useSession } from '../session/session';
import { ErrorNote } from '../ui/ErrorNote';
import { MeasurementBuilder } from './MeasurementBuilder';
import { MeasurementsTable } from './MeasurementsTable';
import { MEASUREMENTS, type MeasurementFilter, type MeasurementStatus, PAGE_SIZE } from './queries';
import { useReread } from './useReread';
import '../probes/probes.css';
import './measurements.css';

const CONTEXT = { additionalTypenames: ['Measurement'] };

/** The builder, with the probes to choose from (live, so their state is current). */
function Builder() {
  const { probes, error } = useProbes();
  if (error) return <ErrorNote error={error} />;
  return <MeasurementBuilder probes={probes ?? []} />;
}

const STATUSES: MeasurementStatus[] = ['RUNNING', 'FINISHED', 'CANCELLED'];

/** The list's address with one query parameter set (or removed when empty). */
function withParam(query: URLSearchParams, name: string, value: string): string {
  const next = new URLSearchParams(query);
  if (value) next.set(name, value);
  else next.delete(name);
  const text = next.toString();
  return text ? `/measurements?${text}` : '/measurements';
}

export function MeasurementsPage() {
  const { viewer } = useSession();
  const { query } = useLocation();
  const mine = query.get('mine') === '1';
  const status = STATUSES.find((s) => s === query.get('status'));
  const filter: MeasurementFilter = { ...(mine ? { ownerId: viewer.id } : {}), ...(status ? { status } : {}) };
  const [{ data, error }, refresh] = useQuery({
    query: MEASUREMENTS,
    variables: { first: PAGE_SIZE, after: null, filter },
    context: CONTEXT,
  });
  useReread({ kinds: ['MEASUREMENT'] }, () => refresh({ requestPolicy: 'network-only' }));

  return (
    <div class="stack">
      {roleAllows(viewer.role, 'OPERATOR') && <Builder />}
      <div class="row" data-testid="measurement-filters">
        <label class="inline">
          <input
            type="checkbox"
            checked={mine}
            onChange={(e) => navigate(withParam(query, 'mine', e.currentTarget.checked ? '1' : ''), { replace: true })}
            data-testid="filter-mine"
          />
          Only mine
        </label>
        <label class="inline">
          Status
          <select value={status ?? ''} onChange={(e) => navigate(withParam(query, 'status', e.currentTarget.value), { replace: true })} data-testid="filter-status">
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorNote error={error} />
      {data && <MeasurementsTable measurements={data.measurements.nodes} filtered={mine || !!status} />}
      {data?.measurements.pageInfo.hasNextPage && <p class="muted">Showing the newest {PAGE_SIZE} measurements.</p>}
    </div>
  );
}
