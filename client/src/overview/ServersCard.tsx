// The overview's servers: how many are up and down (read every few seconds: reachability
// has no feed), and per server its containers running, unhealthy and stopped, kept live
// by the servers' containerEvents feeds. Each number opens the list it counts.
import { useMemo } from 'preact/hooks';
import type { Container, ContainerFilter, ContainerStatus } from '../containers/queries';
import { useContainers } from '../containers/useContainers';
import { ReachabilityBadge } from '../servers/StateCells';
import { useServers } from '../servers/useServers';
import { Link } from '../router';
import { ErrorNote } from '../ui/ErrorNote';
import { listPath } from '../ui/listPath';
import { Count } from './Count';

const EVERY_CONTAINER: ContainerFilter = {};
const RUNNING: ContainerStatus[] = ['RUNNING'];
const UNHEALTHY: ContainerStatus[] = ['UNHEALTHY'];
const STOPPED: ContainerStatus[] = ['EXITED', 'DEAD'];

function count(containers: Container[], serverId: string, statuses: ContainerStatus[]): number {
  return containers.filter((c) => c.serverId === serverId && statuses.includes(c.status)).length;
}

export function ServersCard() {
  const { servers: listed, error } = useServers();
  const servers = useMemo(() => listed ?? [], [listed]);
  const serverIds = useMemo(() => servers.map((server) => server.id), [servers]);
  const list = useContainers(null, EVERY_CONTAINER, serverIds);
  const containers = list.containers ?? [];
  const reachable = servers.filter((s) => s.state.reachability === 'REACHABLE').length;
  const unreachable = servers.filter((s) => s.state.reachability === 'UNREACHABLE').length;
  const live = list.liveErrors.size === 0;

  return (
    <section class="card stack" data-testid="overview-servers">
      <div class="toolbar">
        <h2>Servers</h2>
        <Count value={listed ? reachable : null} label="up" href="/servers" testid="overview-servers-up" />
        <Count value={listed ? unreachable : null} label="down" href="/servers" alarm testid="overview-servers-down" />
        {live ? <span class="live">● live</span> : <span class="live-stopped">○ live updates stopped</span>}
      </div>
      <ErrorNote error={error} />
      <ErrorNote message={list.error} />
      {listed && servers.length === 0 && <p class="muted">No servers yet: add one on the Servers page.</p>}
      {servers.length > 0 && (
        <div class="scroll-x">
          <table class="grid">
            <thead>
              <tr>
                <th>Server</th>
                <th>State</th>
                <th>Containers</th>
              </tr>
            </thead>
            <tbody>
              {servers.map((server) => {
                const missing = list.warnings.get(server.id);
                const known = list.containers && !missing;
                const link = (statuses: ContainerStatus[]) => listPath('/containers', { serverId: server.id, statuses });
                const value = (statuses: ContainerStatus[]) => (known ? count(containers, server.id, statuses) : null);
                return (
                  <tr key={server.id} data-testid={`overview-server-${server.name}`}>
                    <td>
                      <Link href={listPath('/containers', { serverId: server.id })} class="mono">
                        {server.name}
                      </Link>
                    </td>
                    <td>
                      <ReachabilityBadge reachability={server.state.reachability} />
                    </td>
                    <td class="counts" title={missing}>
                      <Count value={value(RUNNING)} label="running" href={link(RUNNING)} testid="count-running" />
                      <Count value={value(UNHEALTHY)} label="unhealthy" href={link(UNHEALTHY)} alarm testid="count-unhealthy" />
                      <Count value={value(STOPPED)} label="stopped" href={link(STOPPED)} testid="count-stopped" />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
