// A stack's containers with their live status, each linking to its live log; or, when
// its server cannot be reached, that they are unknown and why.
import type { Container } from '../containers/queries';
import { ContainerStatusBadge } from '../containers/ContainerStatusBadge';
import { logsPath } from '../logs/LogsPage';
import { Link } from '../router';
import '../containers/containers.css';

interface StackContainersProps {
  /** Null until first read. */
  containers: Container[] | null;
  /** Why the server's containers could not be read. */
  warning?: string;
}

export function StackContainers({ containers, warning }: StackContainersProps) {
  if (warning) {
    return (
      <span class="muted" title={warning} data-testid="stack-containers-unknown">
        unknown: {warning}
      </span>
    );
  }
  if (!containers) return <span class="muted">…</span>;
  if (containers.length === 0) {
    return (
      <span class="muted" data-testid="stack-containers-none">
        none
      </span>
    );
  }
  return (
    <div class="stack-containers">
      {containers.map((container) => (
        <div key={container.id} class="row" data-testid="stack-container" data-status={container.status}>
          <ContainerStatusBadge status={container.status} health={container.health} />
          <Link href={logsPath(container)} class="mono" title="live log" data-testid="stack-container-logs">
            {container.name}
          </Link>
        </div>
      ))}
    </div>
  );
}
