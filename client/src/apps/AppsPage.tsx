// Apps on Kubernetes: each with its controller phase and drift (kept live by
// appStatusChanged), the version it runs, its versions and when it was last edited and
// deployed; filtered by namespace, name and phase (in the URL, so a filtered list is a
// link). Each opens its own page; operators create apps here.
import { useQuery } from '@urql/preact';
import type { ComponentChildren } from 'preact';
import { useCallback, useMemo, useState } from 'preact/hooks';
import { roleAllows } from '../api/types';
import { Link, navigate, useLocation } from '../router';
import { useSession } from '../session/session';
import { ErrorNote } from '../ui/ErrorNote';
import { LiveMark } from '../ui/LiveMark';
import { Time } from '../ui/Time';
import { appPath } from './AppPage';
import { AppStatusBadge } from './AppStatusBadge';
import { CreateAppForm } from './CreateAppForm';
import { APP_PHASES, APPS, APPS_CONTEXT, type AppFilter, type AppPhase, type AppSummary, LIST_SIZE } from './queries';
import { useAppFeed } from './useAppFeed';
import './apps.css';

/** Whether `app` belongs in a list of `filter` (which the page's controls set). */
function matches(filter: AppFilter, app: AppSummary): boolean {
  return (
    (!filter.namespace || app.namespace === filter.namespace) &&
    (!filter.nameContains || app.name.includes(filter.nameContains)) &&
    (!filter.phase || app.status?.phase === filter.phase)
  );
}

function filterOf(query: URLSearchParams): AppFilter {
  const filter: AppFilter = {};
  const namespace = query.get('namespace');
  const name = query.get('name');
  const phase = query.get('phase');
  if (namespace) filter.namespace = namespace;
  if (name) filter.nameContains = name;
  if (phase && (APP_PHASES as string[]).includes(phase)) filter.phase = phase as AppPhase;
  return filter;
}

export function AppsPage() {
  const { viewer } = useSession();
  const { query } = useLocation();
  const filter = useMemo(() => filterOf(query), [query]);
  const [{ data, error }, refresh] = useQuery({ query: APPS, variables: { first: LIST_SIZE, filter }, context: APPS_CONTEXT });
  // What the feed brought since the list was read, by id.
  const [changed, setChanged] = useState(new Map<string, AppSummary>());
  const [reloads, setReloads] = useState(0);
  const listed = data?.apps.nodes;
  const onApp = useCallback(
    (app: AppSummary) => {
      // One the list does not hold yet (new, or newly in the filter): read the list again.
      if (listed && matches(filter, app) && !listed.some((known) => known.id === app.id)) refresh({ requestPolicy: 'network-only' });
      setChanged((previous) => new Map(previous).set(app.id, app));
    },
    [filter, listed, refresh],
  );
  const reread = useCallback(() => {
    setChanged(new Map());
    refresh({ requestPolicy: 'network-only' });
  }, [refresh]);
  const liveError = useAppFeed(null, { onApp, onMissed: reread }, reloads);
  const apps = (listed ?? [])
    .map((app) => changed.get(app.id) ?? app)
    .filter((app) => matches(filter, app));

  const reload = () => {
    setReloads((n) => n + 1);
    reread();
  };

  return (
    <div class="stack">
      {roleAllows(viewer.role, 'OPERATOR') && <CreateAppForm />}
      <AppFilters filter={filter} live={<LiveMark error={liveError} onReload={reload} testid="apps-live" />} />
      <ErrorNote error={error} />
      {data && (
        <div class="scroll-x">
          <table class="grid apps" data-testid="apps-table">
            <thead>
              <tr>
                <th>App</th>
                <th>Status</th>
                <th>Running</th>
                <th>Versions</th>
                <th>Last edit</th>
                <th>Last deploy</th>
              </tr>
            </thead>
            <tbody>
              {apps.length === 0 && (
                <tr>
                  <td colSpan={6} class="muted" data-testid="apps-empty">
                    {Object.keys(filter).length > 0 ? 'No app matches.' : 'No apps yet.'}
                  </td>
                </tr>
              )}
              {apps.map((app) => (
                <tr key={app.id} data-testid={`app-row-${app.name}`}>
                  <td>
                    <Link href={appPath(app.id)} class="mono" data-testid="app-link">
                      {app.namespace}/{app.name}
                    </Link>
                    {app.description && <div class="muted">{app.description}</div>}
                  </td>
                  <td>
                    <AppStatusBadge app={app} />
                  </td>
                  <td class="mono" data-testid="app-running-version">
                    {app.activeVersion ? `v${app.activeVersion.number}` : <span class="muted">never deployed</span>}
                    {!app.active && app.activeVersion && <span class="muted"> (undeployed)</span>}
                  </td>
                  <td class="mono">{app.versionCount}</td>
                  <td>
                    <Time value={app.lastEditAt} />
                  </td>
                  <td>
                    <Time value={app.lastDeployAt} empty="never" />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data?.apps.pageInfo.hasNextPage && <p class="muted">Showing the first {LIST_SIZE} apps.</p>}
    </div>
  );
}

function AppFilters({ filter, live }: { filter: AppFilter; live: ComponentChildren }) {
  const [namespace, setNamespace] = useState(filter.namespace ?? '');
  const [name, setName] = useState(filter.nameContains ?? '');
  const apply = (next: { namespace: string; name: string; phase: string }) => {
    const params = new URLSearchParams();
    if (next.namespace.trim()) params.set('namespace', next.namespace.trim());
    if (next.name.trim()) params.set('name', next.name.trim());
    if (next.phase) params.set('phase', next.phase);
    const search = params.toString();
    navigate(search ? `/apps?${search}` : '/apps', { replace: true });
  };
  const phase = filter.phase ?? '';

  return (
    <form
      class="filters"
      onSubmit={(e) => {
        e.preventDefault();
        apply({ namespace, name, phase });
      }}
      data-testid="app-filters"
    >
      <div class="row">
        <label class="inline">
          Namespace
          <input
            value={namespace}
            placeholder="any"
            onInput={(e) => setNamespace(e.currentTarget.value)}
            onChange={(e) => apply({ namespace: e.currentTarget.value, name, phase })}
            data-testid="filter-namespace"
          />
        </label>
        <label class="inline">
          Name
          <input
            value={name}
            placeholder="part of the name"
            onInput={(e) => setName(e.currentTarget.value)}
            onChange={(e) => apply({ namespace, name: e.currentTarget.value, phase })}
            data-testid="filter-name"
          />
        </label>
        <label class="inline">
          Phase
          <select value={phase} onChange={(e) => apply({ namespace, name, phase: e.currentTarget.value })} data-testid="filter-phase">
            <option value="">any</option>
            {APP_PHASES.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        </label>
        {live}
      </div>
    </form>
  );
}
