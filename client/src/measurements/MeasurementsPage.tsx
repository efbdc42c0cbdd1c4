// Measurements: the newest first, kept current as their operations change, and for
// operators the builder of a new one.
import { useQuery } from '@urql/preact';
import { roleAllows } from '../api/types';
import { useProbes } from '../probes/useProbes';
import { useSession } from '../session/session';
import { ErrorNote } from '../ui/ErrorNote';
import { MeasurementBuilder } from './MeasurementBuilder';
import { MeasurementsTable } from './MeasurementsTable';
import { MEASUREMENTS, PAGE_SIZE } from './queries';
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

export function MeasurementsPage() {
  const { viewer } = useSession();
  const [{ data, error }, refresh] = useQuery({ query: MEASUREMENTS, variables: { first: PAGE_SIZE, after: null }, context: CONTEXT });
  useReread({ kinds: ['MEASUREMENT'] }, () => refresh({ requestPolicy: 'network-only' }));

  return (
    <div class="stack">
      {roleAllows(viewer.role, 'OPERATOR') && <Builder />}
      <ErrorNote error={error} />
      {data && <MeasurementsTable measurements={data.measurements.nodes} />}
      {data?.measurements.pageInfo.hasNextPage && <p class="muted">Showing the newest {PAGE_SIZE} measurements.</p>}
    </div>
  );
}
