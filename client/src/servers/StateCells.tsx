// The live cells of a server's row: reachability, engine version, containers, CPU, memory
// and why the last check failed.
import { Badge, type Tone } from '../ui/Badge';
import { Time } from '../ui/Time';
import { formatBytes, formatPercent } from './format';
import type { Reachability, ServerState } from './queries';

const TONES: Record<Reachability, Tone> = { REACHABLE: 'up', CONNECTING: 'idle', UNREACHABLE: 'down' };

export function ReachabilityBadge({ reachability }: { reachability: Reachability }) {
  return (
    <Badge tone={TONES[reachability]} testid="server-reachability">
      {reachability}
    </Badge>
  );
}

export function StateCells({ state }: { state: ServerState }) {
  const { host, containers } = state;
  const used = host?.memoryAvailableBytes != null ? host.memoryTotalBytes - host.memoryAvailableBytes : null;
  return (
    <>
      <td>
        <ReachabilityBadge reachability={state.reachability} />
      </td>
      <td class="mono" data-testid="server-docker-version" title={state.operatingSystem ?? undefined}>
        {state.dockerVersion ?? <span class="muted">—</span>}
      </td>
      <td class="num mono" data-testid="server-containers" title={`${containers.paused} paused, ${containers.stopped} stopped`}>
        {containers.running}/{containers.total}
      </td>
      <td class="num mono" data-testid="server-cpu">
        {host?.cpuPercent != null ? formatPercent(host.cpuPercent) : <span class="muted">—</span>}
        {host && <span class="muted"> of {host.cpus} CPU{host.cpus === 1 ? '' : 's'}</span>}
      </td>
      <td class="num mono" data-testid="server-memory">
        {host ? (
          <>
            {used != null && `${formatBytes(used)} / `}
            {formatBytes(host.memoryTotalBytes)}
          </>
        ) : (
          <span class="muted">—</span>
        )}
      </td>
      <td>
        {state.lastError && (
          <div class="server-error" data-testid="server-last-error">
            {state.lastError}
          </div>
        )}
        <span class="muted">
          checked <Time value={state.checkedAt} empty="not yet" />
        </span>
      </td>
    </>
  );
}
