// One app (/apps/:id): its status and drift kept live (appStatusChanged), endpoints and
// dashboard, deploy and undeploy (OPERATOR) with the live progress of the one started
// last (its operation in the URL, ?operation=…, so a reload shows the same run), its
// versions (deploy or revert to any, pick two to compare), the side-by-side diff, a new
// version in the checked graph editor, its deployments, and its settings (OPERATOR). A
// deploy or undeploy that ends (started here or elsewhere) reads the app again.
import { useQuery } from '@urql/preact';
import { useMemo, useState } from 'preact/hooks';
import { roleAllows } from '../api/types';
import { OperationDetail } from '../operations/OperationDetail';
import { isFinished } from '../operations/queries';
import { useOperations } from '../operations/useOperations';
import { Link, matchPath, navigate, useLocation } from '../router';
import { useSession } from '../session/session';
import { ErrorNote } from '../ui/ErrorNote';
import { LiveMark } from '../ui/LiveMark';
import { AppActions } from './AppActions';
import { AppDeployments } from './AppDeployments';
import { AppDiff, type DiffChoice } from './AppDiff';
import { AppSettings } from './AppSettings';
import { AppSummaryCard } from './AppSummaryCard';
import { AppVersions } from './AppVersions';
import { NewVersionForm } from './NewVersionForm';
import { APP, type AppSummary } from './queries';
import { useAppFeed } from './useAppFeed';
import './apps.css';

export const APP_ROUTE = '/apps/:id';

export function appPath(id: string): string {
  return `/apps/${encodeURIComponent(id)}`;
}

export function AppPage() {
  const { path, query } = useLocation();
  const id = matchPath(APP_ROUTE, path)?.id;
  if (!id) return <ErrorNote message="Open an app from the Apps page." />;
  return <AppView key={id} id={id} operationId={query.get('operation')} />;
}

function AppView({ id, operationId }: { id: string; operationId: string | null }) {
  const { viewer } = useSession();
  const canOperate = roleAllows(viewer.role, 'OPERATOR');
  const [{ data, error }, refresh] = useQuery({ query: APP, variables: { id } });
  const reread = () => refresh({ requestPolicy: 'network-only' });
  const [live, setLive] = useState<AppSummary | null>(null);
  const [reloads, setReloads] = useState(0);
  // A change may come with a new version (an edit in the cluster): read the rest again too.
  const onApp = (app: AppSummary) => {
    setLive(app);
    reread();
  };
  // The feed dropped changes: what it brought before may be stale.
  const readAgain = () => {
    setLive(null);
    reread();
  };
  const liveError = useAppFeed(id, { onApp, onMissed: readAgain }, reloads);
  const filter = useMemo(() => ({ appId: id }), [id]);
  useOperations(filter, {
    onUpdated: (operation) => {
      if (isFinished(operation.status)) reread();
    },
  });
  const [diff, setDiff] = useState<DiffChoice | null>(null);

  const stored = data?.app;
  // The feed's copy is the newest word on status and drift.
  const app = stored && live ? { ...stored, ...live } : stored;

  const started = (operation: string) => navigate(`${appPath(id)}?operation=${encodeURIComponent(operation)}`);

  return (
    <div class="stack">
      <Link href="/apps">← Apps</Link>
      <ErrorNote error={error} />
      {data && !app && <ErrorNote message={`No app ${id}.`} />}
      {app && (
        <>
          <AppSummaryCard
            app={app}
            live={
              <LiveMark
                error={liveError}
                onReload={() => {
                  setReloads((n) => n + 1);
                  readAgain();
                }}
                testid="app-live"
              />
            }
            onDiffLive={() => app.activeVersion && setDiff({ from: app.activeVersion.number, to: 'live' })}
          />
          {canOperate && !app.readonly && <AppActions app={app} onStarted={started} />}
          {canOperate && app.readonly && (
            <p class="warning-note" data-testid="app-readonly">
              Read-only (label rampart-graph-readonly: "true"): monitor neither saves, deploys nor deletes it until the label
              is removed in its settings.
            </p>
          )}
          {operationId && <OperationDetail key={operationId} id={operationId} onEnd={reread} />}
          {diff && <AppDiff app={app} choice={diff} onChoice={setDiff} />}
          <AppVersions app={app} canOperate={canOperate && !app.readonly} onStarted={started} onCompare={setDiff} />
          {canOperate && !app.readonly && <NewVersionForm app={app} onSaved={reread} />}
          <AppDeployments deployments={app.deployments.nodes} />
          {canOperate && <AppSettings app={app} />}
        </>
      )}
    </div>
  );
}
