// One measurement (/measurements/:id): what it is and how far it got, each probe's part,
// each target's summary, the time each probe measured over time, and the results as they
// arrive. The measurement itself is read again when a result comes in or its operation
// changes, so progress and credits keep up with the results.
import { useQuery } from '@urql/preact';
import { Link, matchPath, useLocation } from '../router';
import { ErrorNote } from '../ui/ErrorNote';
import { LiveMark } from '../ui/LiveMark';
import { AssignmentsTable } from './AssignmentsTable';
import { MeasurementFacts } from './MeasurementFacts';
import { MEASUREMENT } from './queries';
import { ResultsTable, SHOWN_ROWS } from './ResultsTable';
import { RttChart } from './RttChart';
import { TargetsTable } from './TargetsTable';
import { useReread } from './useReread';
import { MAX_RESULTS, useResults } from './useResults';
import './measurements.css';

export const MEASUREMENT_ROUTE = '/measurements/:id';

export function measurementPath(id: string): string {
  return `/measurements/${encodeURIComponent(id)}`;
}

/** The measurement, read again as its operation changes and (through the returned function) as results come. */
function useMeasurement(id: string) {
  const [{ data, error }, refresh] = useQuery({ query: MEASUREMENT, variables: { id } });
  const refreshSoon = useReread({ measurementId: id }, () => refresh({ requestPolicy: 'network-only' }));
  return { measurement: data?.measurement, loaded: !!data, error, refreshSoon };
}

function Measurement({ id }: { id: string }) {
  const { measurement, loaded, error, refreshSoon } = useMeasurement(id);
  const results = useResults(id, refreshSoon);

  if (error) return <ErrorNote error={error} />;
  if (!loaded) return <p class="muted">Loading…</p>;
  if (!measurement) return <ErrorNote message={`No measurement ${id}: it may have been deleted.`} />;
  return (
    <div class="stack" data-testid="measurement-page">
      <MeasurementFacts measurement={measurement} />
      <AssignmentsTable measurement={measurement} />
      {measurement.targetSummaries.length > 0 && <TargetsTable summaries={measurement.targetSummaries} />}
      <div class="toolbar">
        <h2>Results</h2>
        <span class="muted" data-testid="results-count">
          {results.results.length} received
        </span>
        <LiveMark error={results.liveError} onReload={results.reload} testid="results-live" />
      </div>
      <ErrorNote error={results.error} />
      <RttChart results={results.results} />
      <ResultsTable results={results.results} />
      {results.results.length > SHOWN_ROWS && (
        <p class="muted">
          Showing the newest {SHOWN_ROWS}; the chart has the newest {MAX_RESULTS.toLocaleString('en')}, the download all of them.
        </p>
      )}
    </div>
  );
}

export function MeasurementPage() {
  const { path } = useLocation();
  const id = matchPath(MEASUREMENT_ROUTE, path)?.id;
  return (
    <div class="stack">
      <Link href="/measurements">← Measurements</Link>
      {id && <Measurement key={id} id={id} />}
    </div>
  );
}
