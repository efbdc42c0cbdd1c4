// One container (/containers/:serverId/:id): its state and actions, live CPU, memory and
// network, its log, a shell into it (OPERATOR), its health, environment (secrets masked)
// and configuration. It is read again whenever its server reports a change to it.
import { useQuery } from '@urql/preact';
import { useEffect, useState } from 'preact/hooks';
import { openStream, useStreams } from '../api/stream';
import { roleAllows } from '../api/types';
import { ContainerActions } from '../containers/ContainerActions';
import { ContainerStatusBadge } from '../containers/ContainerStatusBadge';
import { CONTAINER_EVENTS } from '../containers/queries';
import { logsPath } from '../logs/LogsPage';
import { useContainerLogs } from '../logs/useContainerLogs';
import { Link, matchPath, navigate, useLocation } from '../router';
import { useServerChoices } from '../servers/useServerChoices';
import { useSession } from '../session/session';
import { ErrorNote } from '../ui/ErrorNote';
import { LogPane } from '../ui/LogPane';
import { ContainerEnvironment, ContainerHealthCard, ContainerInspect } from './ContainerInspect';
import { ContainerShell } from './ContainerShell';
import { ContainerStats } from './ContainerStats';
import { CONTAINER_DETAILS } from './queries';
import './container.css';

export const CONTAINER_ROUTE = '/containers/:serverId/:id';

export function containerPath(container: { serverId: string; id: string }): string {
  return `/containers/${encodeURIComponent(container.serverId)}/${encodeURIComponent(container.id)}`;
}

const LIVE = new Set(['RUNNING', 'UNHEALTHY', 'RESTARTING']);

export function ContainerPage() {
  const { path } = useLocation();
  const params = matchPath(CONTAINER_ROUTE, path);
  if (!params?.serverId || !params.id) return <ErrorNote message="Open a container from the Containers page." />;
  return <ContainerView key={path} serverId={params.serverId} id={params.id} />;
}

function ContainerView({ serverId, id }: { serverId: string; id: string }) {
  const { viewer } = useSession();
  const canOperate = roleAllows(viewer.role, 'OPERATOR');
  const { nameOf } = useServerChoices();
  const streams = useStreams();
  const [reveal, setReveal] = useState(false);
  const [{ data, error }, reload] = useQuery({ query: CONTAINER_DETAILS, variables: { serverId, id, reveal } });
  const container = data?.container;
  const containerId = container?.id;

  useEffect(() => {
    if (!containerId) return undefined;
    return openStream(streams, CONTAINER_EVENTS, { serverId }, {
      item: ({ containerEvents }) => {
        if (containerEvents.containerId === containerId) reload({ requestPolicy: 'network-only' });
      },
      itemError: () => {},
      failed: () => {},
      done: () => {},
    });
  }, [streams, serverId, containerId, reload]);

  if (!container) {
    return (
      <div class="stack">
        <Link href="/containers">← Containers</Link>
        {error ? <ErrorNote error={error} testid="container-error" /> : <span class="muted">Loading…</span>}
      </div>
    );
  }
  const running = LIVE.has(container.status);
  return (
    <div class="stack container-page" data-testid="container-page">
      <div class="summary">
        <Link href="/containers">← Containers</Link>
        <h1 class="mono" data-testid="container-name">
          {container.name}
        </h1>
        <ContainerStatusBadge status={container.status} health={container.health} />
        <span class="mono muted">{container.image}</span>
        <span class="muted">
          on <span class="mono">{nameOf(serverId)}</span>
        </span>
      </div>
      {canOperate && (
        <div class="row" data-testid="container-actions">
          <ContainerActions
            container={container}
            onChanged={(removed) => (removed ? navigate('/containers') : reload({ requestPolicy: 'network-only' }))}
          />
        </div>
      )}
      <ContainerStats serverId={serverId} containerId={container.id} running={running} />
      <ContainerLogCard serverId={serverId} containerId={container.id} />
      {canOperate && <ContainerShell serverId={serverId} containerId={container.id} running={running} />}
      <ContainerHealthCard container={container} />
      <ContainerEnvironment container={container} revealed={reveal} canReveal={canOperate} onReveal={setReveal} />
      <ContainerInspect container={container} />
    </div>
  );
}

function ContainerLogCard({ serverId, containerId }: { serverId: string; containerId: string }) {
  const log = useContainerLogs(serverId, containerId, 100, true);
  return (
    <section class="card container-log">
      <div class="toolbar">
        <h2>Log</h2>
        <Link href={logsPath({ serverId, id: containerId })} data-testid="container-full-log">
          Full log, search and pause
        </Link>
      </div>
      <ErrorNote message={log.error} testid="log-error" />
      <LogPane entries={log.entries} stickToBottom testid="log-view" />
    </section>
  );
}
