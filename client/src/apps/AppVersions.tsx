// An app's versions, newest first: number, message, where it came from (monitor, or an
// edit in the cluster and the field manager that made it), who, when and its hash; which
// one monitor deployed and which the cluster holds; per version, deploy or revert to it
// (OPERATOR) and its diff against the one before.
import { Time } from '../ui/Time';
import { DeployButton } from './AppActions';
import type { DiffChoice } from './AppDiff';
import type { App } from './queries';

interface AppVersionsProps {
  app: App;
  canOperate: boolean;
  onStarted: (operationId: string) => void;
  onCompare: (choice: DiffChoice) => void;
}

export function AppVersions({ app, canOperate, onStarted, onCompare }: AppVersionsProps) {
  const versions = app.versions.nodes;
  return (
    <div class="card stack">
      <h2>Versions</h2>
      <div class="scroll-x">
        <table class="grid" data-testid="app-versions">
          <thead>
            <tr>
              <th>Version</th>
              <th>Message</th>
              <th>From</th>
              <th>Saved</th>
              <th>Hash</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {versions.map((version) => (
              <tr key={version.id} data-testid={`app-version-${version.number}`}>
                <td class="mono">
                  v{version.number}
                  {app.activeVersion?.number === version.number && (
                    <span class="tag" data-testid="app-version-deployed">
                      {app.active ? 'deployed' : 'undeployed'}
                    </span>
                  )}
                  {app.liveVersion?.number === version.number && <span class="tag">in cluster</span>}
                </td>
                <td>{version.message}</td>
                <td>
                  {version.source === 'CLUSTER' ? (
                    <span title="an edit made outside monitor">
                      the cluster{version.fieldManager && <span class="mono"> ({version.fieldManager})</span>}
                    </span>
                  ) : (
                    <span class="mono">{version.author?.name ?? 'monitor'}</span>
                  )}
                </td>
                <td>
                  <Time value={version.createdAt} />
                </td>
                <td class="mono" title={version.hash}>
                  {version.hash.slice(0, 12)}
                </td>
                <td class="row">
                  {version.number > 1 && (
                    <button type="button" onClick={() => onCompare({ from: version.number - 1, to: version.number })} data-testid="app-version-diff">
                      Diff v{version.number - 1}
                    </button>
                  )}
                  {canOperate && !(app.active && app.activeVersion?.number === version.number) && (
                    <DeployButton app={app} version={version.number} reason={null} onStarted={onStarted} testid={`app-version-deploy-${version.number}`} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {app.versions.pageInfo.hasNextPage && <p class="muted">Showing the newest {versions.length} versions.</p>}
    </div>
  );
}
