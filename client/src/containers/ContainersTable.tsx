// The containers table: one row per container with its server, image, status (health
// included), ports, links to its page and its live log and, for operators, its actions.
import { containerPath } from '../container/ContainerPage';
import { logsPath } from '../logs/LogsPage';
import { Link } from '../router';
import { Time } from '../ui/Time';
import { ContainerActions } from './ContainerActions';
import { ContainerStatusBadge } from './ContainerStatusBadge';
import type { Container } from './queries';

interface ContainersTableProps {
  containers: Container[];
  nameOf: (serverId: string) => string;
  canOperate: boolean;
  onChanged: () => void;
}

function port(p: Container['ports'][number]): string {
  const published = p.hostPort ? `${p.hostIp ? `${p.hostIp}:` : ''}${p.hostPort}→` : '';
  return `${published}${p.containerPort}/${p.protocol}`;
}

export function ContainersTable({ containers, nameOf, canOperate, onChanged }: ContainersTableProps) {
  return (
    <table class="grid containers" data-testid="containers-table">
      <thead>
        <tr>
          <th>Name</th>
          <th>Server</th>
          <th>Image</th>
          <th>Status</th>
          <th>Ports</th>
          <th>Created</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {containers.length === 0 && (
          <tr>
            <td colSpan={7} class="muted">
              No containers.
            </td>
          </tr>
        )}
        {containers.map((c) => (
          <tr key={`${c.serverId}/${c.id}`} data-testid={`container-row-${c.name}`} data-status={c.status}>
            <td class="mono">
              <Link href={containerPath(c)} title="stats, shell, configuration" data-testid="container-link">
                {c.name}
              </Link>
              <div>
                <Link href={logsPath(c)} class="muted-link" title="live log" data-testid="container-logs">
                  log
                </Link>
              </div>
            </td>
            <td class="mono">{nameOf(c.serverId)}</td>
            <td class="mono">{c.image}</td>
            <td>
              <ContainerStatusBadge status={c.status} health={c.health} />
              <div class="muted status-text" data-testid="container-status-text">
                {c.statusText}
              </div>
            </td>
            <td class="mono">{c.ports.map(port).join(', ')}</td>
            <td>
              <Time value={c.createdAt} />
            </td>
            <td class="actions">{canOperate && <ContainerActions container={c} onChanged={onChanged} />}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
