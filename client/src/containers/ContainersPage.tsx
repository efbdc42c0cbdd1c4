// Containers: across every server or one, filtered by status and name, kept current by
// the servers' containerEvents feeds. Operators start, stop, restart, remove and run
// containers here; a server that cannot be reached shows as a warning above the others.
import { useMemo, useState } from 'preact/hooks';
import { roleAllows } from '../api/types';
import { useLocation } from '../router';
import { useServerChoices } from '../servers/useServerChoices';
import { useSession } from '../session/session';
import { ErrorNote } from '../ui/ErrorNote';
import { listView } from '../ui/listPath';
import { ContainerFilters } from './ContainerFilters';
import { ContainersTable } from './ContainersTable';
import { CONTAINER_STATUSES, type ContainerFilter } from './queries';
import { RunContainerForm } from './RunContainerForm';
import { useContainers } from './useContainers';
import './containers.css';

export function ContainersPage() {
  const { viewer } = useSession();
  const canOperate = roleAllows(viewer.role, 'OPERATOR');
  const { servers, nameOf } = useServerChoices();
  const { query } = useLocation();
  // A link (the overview's numbers) may ask for a server and statuses to start from.
  const [asked] = useState(() => listView(query, CONTAINER_STATUSES));
  const [serverId, setServerId] = useState(asked.serverId ?? '');
  const [filter, setFilter] = useState<ContainerFilter>(asked.statuses ? { statuses: asked.statuses } : {});
  const serverIds = useMemo(() => servers.map((server) => server.id), [servers]);
  const list = useContainers(serverId || null, filter, serverIds);
  const warnings = [...list.warnings].map(([id, message]) => ({ id, message }));
  const liveErrors = [...list.liveErrors].map(([id, message]) => ({ id, message }));

  return (
    <div class="stack">
      {canOperate && <RunContainerForm servers={servers} serverId={serverId} onRan={list.reload} />}
      <ContainerFilters servers={servers} serverId={serverId} onServer={setServerId} value={filter} onChange={setFilter} />
      <div class="toolbar">
        <span data-testid="containers-count">
          {list.containers ? `${list.containers.length} container${list.containers.length === 1 ? '' : 's'}` : ''}
        </span>
        {liveErrors.length === 0 && (
          <span class="live" title="the list is read again whenever a server reports a change" data-testid="containers-live">
            ● live
          </span>
        )}
        <button type="button" onClick={list.reload} data-testid="containers-refresh">
          Refresh
        </button>
        {list.loading && <span class="muted">Loading…</span>}
      </div>
      {warnings.map(({ id, message }) => (
        <p class="warning-note" role="alert" key={id} data-testid={`server-warning-${nameOf(id)}`}>
          <span class="mono">{nameOf(id)}</span>: {message}
        </p>
      ))}
      {liveErrors.map(({ id, message }) => (
        <p class="warning-note" key={id} data-testid={`live-stopped-${nameOf(id)}`}>
          Live updates from <span class="mono">{nameOf(id)}</span> stopped ({message}): use Refresh.
        </p>
      ))}
      <ErrorNote message={list.error} />
      {list.containers && (
        <ContainersTable containers={list.containers} nameOf={nameOf} canOperate={canOperate} onChanged={list.reload} />
      )}
    </div>
  );
}
