// What an app is and how it stands: namespace and name, description and labels, the
// controller's phase with its reason and messages, the version monitor deployed and the
// one the cluster holds (with drift, and a diff against what is live), its endpoints and
// its Grafana dashboard (asked for on its own: Grafana missing answers for that part only).
import { useQuery } from '@urql/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { hasCode, messageOf } from '../api/errors';
import { Time } from '../ui/Time';
import { AppStatusBadge } from './AppStatusBadge';
import { APP_DASHBOARD, type App } from './queries';

interface AppSummaryCardProps {
  app: App;
  live: ComponentChildren;
  onDiffLive: () => void;
}

export function AppSummaryCard({ app, live, onDiffLive }: AppSummaryCardProps) {
  const status = app.status;
  return (
    <div class="card stack" data-testid="app-summary">
      <div class="row">
        <h2 class="mono">
          {app.namespace}/{app.name}
        </h2>
        <AppStatusBadge app={app} />
        {live}
      </div>
      {app.description && <p>{app.description}</p>}
      <dl class="facts">
        <dt>Labels</dt>
        <dd class="mono" data-testid="app-labels">{app.labels.length > 0 ? app.labels.map((l) => `${l.key}=${l.value}`).join(', ') : <span class="muted">none</span>}</dd>
        <dt>Deployed by monitor</dt>
        <dd class="mono" data-testid="app-active-version">
          {app.activeVersion ? `v${app.activeVersion.number}${app.active ? '' : ' (undeployed)'}` : <span class="muted">never</span>}
        </dd>
        <dt>In the cluster</dt>
        <dd class="mono" data-testid="app-live-version">
          {app.liveVersion ? `v${app.liveVersion.number}` : <span class="muted">{app.inCluster ? 'a graph monitor has not stored' : 'nothing'}</span>}
          {app.drifted && app.activeVersion && (
            <>
              {' '}
              <button type="button" class="link" onClick={onDiffLive} data-testid="app-diff-live">
                what differs
              </button>
            </>
          )}
        </dd>
        {status?.reason && (
          <>
            <dt>Reason</dt>
            <dd data-testid="app-status-reason">{status.reason}</dd>
          </>
        )}
        {status && status.messages.length > 0 && (
          <>
            <dt>Messages</dt>
            <dd data-testid="app-status-messages">
              {status.messages.map((message, index) => (
                <div key={index}>{message}</div>
              ))}
            </dd>
          </>
        )}
        {status && (
          <>
            <dt>Generation</dt>
            <dd class="mono" title="the controller's observed generation / the resource's generation">
              {status.observedGeneration ?? '—'} / {status.generation ?? '—'} <span class="muted">seen</span> <Time value={status.seenAt} />
            </dd>
          </>
        )}
        <dt>Auto-revert</dt>
        <dd>{app.autoRevert ? 'a failed deploy rolls back' : 'off'}</dd>
        <dt>Endpoints</dt>
        <dd data-testid="app-endpoints">
          {app.endpoints.length === 0 && <span class="muted">none</span>}
          {app.endpoints.map((endpoint) => (
            <div key={endpoint.component} data-testid="app-endpoint">
              <span class="mono">{endpoint.component}</span>: {endpoint.paths.map((path) => <code key={path}>{path} </code>)}
            </div>
          ))}
        </dd>
        <dt>Dashboard</dt>
        <dd>
          <Dashboard id={app.id} changed={`${app.active}:${app.status?.seenAt}`} />
        </dd>
      </dl>
    </div>
  );
}

// monitor saves a dashboard after the app's status changes, and says nothing when it is
// done: after each change, ask again a few times, further apart each time, while it is
// still being made.
const DASHBOARD_RETRIES_MS = [1000, 2000, 4000, 8000, 16000];

/** `changed` is what, when it changes, may have led monitor to save the dashboard again. */
function Dashboard({ id, changed }: { id: string; changed: string }) {
  const [{ data, error, fetching }, reask] = useQuery({ query: APP_DASHBOARD, variables: { id }, requestPolicy: 'network-only' });
  const [tries, setTries] = useState<number | null>(null);
  const pending = hasCode(error, 'UNAVAILABLE') || data?.app?.dashboard?.upToDate === false;
  const latestReask = useRef(reask);
  latestReask.current = reask;
  const mounted = useRef(false);
  useEffect(() => {
    if (mounted.current) latestReask.current({ requestPolicy: 'network-only' });
    mounted.current = true;
    setTries(0);
  }, [changed]);
  useEffect(() => {
    if (tries === null || fetching || !pending || tries >= DASHBOARD_RETRIES_MS.length) return;
    const timer = setTimeout(() => {
      setTries(tries + 1);
      latestReask.current({ requestPolicy: 'network-only' });
    }, DASHBOARD_RETRIES_MS[tries]);
    return () => clearTimeout(timer);
  }, [tries, fetching, pending]);

  if (error) {
    return <span class="muted" data-testid="app-dashboard-unavailable">{hasCode(error, 'UNAVAILABLE') ? messageOf(error) : `cannot read it: ${messageOf(error)}`}</span>;
  }
  const dashboard = data?.app?.dashboard;
  if (!dashboard) return <span class="muted">none yet</span>;
  return (
    <span class="stack" data-testid="app-dashboard">
      <a href={dashboard.url} target="_blank" rel="noopener">
        Grafana dashboard ↗
      </a>
      {!dashboard.upToDate && <span class="muted">behind the cluster: {dashboard.pendingReason ?? 'monitor keeps trying'}</span>}
      {dashboard.panels.map((panel) => (
        <a key={panel.url} href={panel.url} target="_blank" rel="noopener" data-testid="app-dashboard-panel">
          {panel.title} ↗
        </a>
      ))}
    </span>
  );
}
