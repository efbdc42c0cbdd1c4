// Probes: every `monitor probe` registered, on a map and in a list, each with its live
// connection state (probeUpdated). Operators register, revoke and delete probes here.
import { roleAllows } from '../api/types';
import { useSession } from '../session/session';
import { ErrorNote } from '../ui/ErrorNote';
import { LiveMark } from '../ui/LiveMark';
import { ProbeMap } from './ProbeMap';
import { COLUMNS, ProbeRow } from './ProbeRow';
import { LIST_SIZE } from './queries';
import { RegisterProbeForm } from './RegisterProbeForm';
import { useProbes } from './useProbes';
import './probes.css';

export function ProbesPage() {
  const { viewer } = useSession();
  const canManage = roleAllows(viewer.role, 'OPERATOR');
  const { probes, more, error, liveError, reload } = useProbes();
  const connected = probes?.filter((p) => p.connected).length ?? 0;

  return (
    <div class="stack">
      <ErrorNote error={error} />
      {probes && (
        <>
          <div class="toolbar">
            <span data-testid="probes-connected">
              {connected} of {probes.length} connected
            </span>
            <LiveMark error={liveError} onReload={reload} testid="probes-live" />
          </div>
          <ProbeMap probes={probes} />
          <table class="grid probes" data-testid="probes-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>State</th>
                <th>Last seen</th>
                <th>Version</th>
                <th class="num">Load</th>
                <th class="num">Clock offset</th>
                <th class="num">Results</th>
                <th>Location</th>
                <th>Tags</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {probes.length === 0 && (
                <tr>
                  <td colSpan={COLUMNS} class="muted">
                    No probes yet.
                  </td>
                </tr>
              )}
              {probes.map((probe) => (
                <ProbeRow key={probe.id} probe={probe} canManage={canManage} />
              ))}
            </tbody>
          </table>
          {more && <p class="muted">Showing the first {LIST_SIZE} probes.</p>}
        </>
      )}
      {canManage && <RegisterProbeForm />}
    </div>
  );
}
