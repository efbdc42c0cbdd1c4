// An app's deploys, reverts and undeploys, newest first: what, who, from which version to
// which and why, how it ended (with the controller's or API server's last word), when,
// and the operation with its progress lines.
import { operationPath } from '../operations/OperationPage';
import { Link } from '../router';
import { Badge, type Tone } from '../ui/Badge';
import { Duration, Time } from '../ui/Time';
import type { Deployment, DeploymentOutcome } from './queries';

const TONES: Record<DeploymentOutcome, Tone> = {
  RUNNING: 'degraded',
  DEPLOYED: 'up',
  UNDEPLOYED: 'idle',
  FAILED: 'down',
  TIMED_OUT: 'down',
  SUPERSEDED: 'idle',
  DELETED: 'idle',
  REFUSED: 'down',
  INTERRUPTED: 'down',
};

export function AppDeployments({ deployments }: { deployments: Deployment[] }) {
  return (
    <div class="card stack">
      <h2>Deployments</h2>
      {deployments.length === 0 ? (
        <p class="muted" data-testid="app-deployments-empty">
          Never deployed.
        </p>
      ) : (
        <div class="scroll-x">
          <table class="grid" data-testid="app-deployments">
            <thead>
              <tr>
                <th>Action</th>
                <th>Versions</th>
                <th>Outcome</th>
                <th>By</th>
                <th>Why</th>
                <th>Started</th>
                <th>Took</th>
              </tr>
            </thead>
            <tbody>
              {deployments.map((deployment) => (
                <tr key={deployment.id} data-testid="app-deployment" data-action={deployment.action} data-outcome={deployment.outcome}>
                  <td class="mono">{deployment.action.toLowerCase().replace('_', ' ')}</td>
                  <td class="mono">
                    {deployment.fromVersion !== null ? `v${deployment.fromVersion} → ` : ''}v{deployment.toVersion}
                  </td>
                  <td>
                    <Badge tone={TONES[deployment.outcome]}>{deployment.outcome}</Badge>
                    {deployment.message && <div class="muted">{deployment.message}</div>}
                  </td>
                  <td class="mono">{deployment.actor.name}</td>
                  <td>{deployment.reason || <span class="muted">—</span>}</td>
                  <td>
                    {deployment.operation ? (
                      <Link href={operationPath(deployment.operation.id)} title="its progress lines">
                        <Time value={deployment.startedAt} />
                      </Link>
                    ) : (
                      <Time value={deployment.startedAt} />
                    )}
                  </td>
                  <td>
                    <Duration from={deployment.startedAt} to={deployment.finishedAt} ended={deployment.outcome !== 'RUNNING'} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
