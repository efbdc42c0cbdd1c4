// One measurement at a glance: what it measures and how, its progress and credits, and
// its actions: cancel while it runs (OPERATOR), and its results as NDJSON.
import { useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { roleAllows } from '../api/types';
import { Link } from '../router';
import { operationPath } from '../operations/OperationPage';
import { useSession } from '../session/session';
import { bearer, readToken } from '../session/token';
import { ConfirmButton } from '../ui/ConfirmButton';
import { ErrorNote } from '../ui/ErrorNote';
import { Time } from '../ui/Time';
import { CANCEL_MEASUREMENT, type Measurement } from './queries';
import { MeasurementStatusBadge } from './StatusBadges';

/** Fetches the NDJSON with the session's token and saves it, without leaving the page. */
async function downloadResults(measurement: Measurement): Promise<void> {
  const token = readToken();
  const response = await fetch(measurement.resultsDownloadPath, { headers: token ? { Authorization: bearer(token) } : {} });
  if (!response.ok) throw new Error(`the download failed: ${response.status} ${response.statusText}`);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = `measurement-${measurement.id}.ndjson`;
  link.click();
  URL.revokeObjectURL(url);
}

/** `packets 3 · size 48 · …`: the parameters as sent, defaults filled in. */
function parameters({ params }: Measurement): string {
  if (!params || typeof params !== 'object') return '';
  return Object.entries(params)
    .filter(([key, value]) => key !== 'kind' && value !== null)
    .map(([key, value]) => `${key} ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join(' · ');
}

function schedule({ schedule }: Measurement): string {
  if (!schedule.everySeconds) return 'once';
  const at = (value: string | null) => (value ? new Date(value).toLocaleString() : '—');
  return `every ${schedule.everySeconds} s from ${at(schedule.start)} until ${at(schedule.stop)} (${schedule.runs} runs)`;
}

export function MeasurementFacts({ measurement }: { measurement: Measurement }) {
  const { viewer } = useSession();
  const [cancelling, cancel] = useMutation(CANCEL_MEASUREMENT);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const delivered = measurement.assignments.reduce((sum, a) => sum + a.resultsDelivered, 0);

  return (
    <div class="card measurement-facts" data-testid="measurement-facts">
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          <MeasurementStatusBadge status={measurement.status} />
        </dd>
        <dt>Kind</dt>
        <dd class="mono">{measurement.kind}</dd>
        <dt>Targets</dt>
        <dd class="mono">{measurement.targets.join(', ')}</dd>
        {measurement.description && (
          <>
            <dt>Description</dt>
            <dd>{measurement.description}</dd>
          </>
        )}
        <dt>Parameters</dt>
        <dd class="mono" data-testid="measurement-params">
          {parameters(measurement)}
        </dd>
        <dt>Schedule</dt>
        <dd>{schedule(measurement)}</dd>
        <dt>Results</dt>
        <dd class="mono" data-testid="measurement-progress">
          {delivered} / {measurement.resultsExpected} from {measurement.probeCount} probes
          {measurement.probesAsked > measurement.probeCount && ` (${measurement.probesAsked} asked, fewer matched)`}
        </dd>
        <dt>Credits</dt>
        <dd class="mono" data-testid="measurement-credits">
          {measurement.creditsUsed} used of {measurement.creditsReserved} reserved ({measurement.costPerResult} a result)
        </dd>
        <dt>Created</dt>
        <dd>
          <Time value={measurement.createdAt} /> by {measurement.owner?.username ?? 'a deleted user'}
        </dd>
        {measurement.finishedAt && (
          <>
            <dt>Ended</dt>
            <dd>
              <Time value={measurement.finishedAt} />
            </dd>
          </>
        )}
        {measurement.operation && (
          <>
            <dt>Operation</dt>
            <dd>
              <Link href={operationPath(measurement.operation.id)} class="mono">
                {measurement.operation.status}
              </Link>
            </dd>
          </>
        )}
      </dl>
      <div class="row">
        <button
          type="button"
          onClick={() => downloadResults(measurement).then(() => setDownloadError(null), (e: Error) => setDownloadError(e.message))}
          data-testid="measurement-download"
        >
          Download results (NDJSON)
        </button>
        {measurement.status === 'RUNNING' && roleAllows(viewer.role, 'OPERATOR') && (
          <ConfirmButton
            label="Cancel"
            question="Stop it on every probe? What was delivered stays."
            disabled={cancelling.fetching}
            onConfirm={() => cancel({ input: { id: measurement.id } })}
            testid="measurement-cancel"
          />
        )}
      </div>
      <ErrorNote error={cancelling.error} message={downloadError} testid="measurement-action-error" />
    </div>
  );
}
