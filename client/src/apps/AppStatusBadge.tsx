// An app's controller phase as a badge (Deploying, Deployed, Failed…), and a drift badge
// while the cluster holds something else than monitor deployed.
import { Badge, type Tone } from '../ui/Badge';
import type { AppPhase, AppSummary } from './queries';

const TONES: Record<AppPhase, Tone> = {
  DEPLOYING: 'degraded',
  DEPLOYED: 'up',
  UNDEPLOYING: 'degraded',
  UNDEPLOYED: 'idle',
  FAILED: 'down',
  DELETING: 'degraded',
};

export function AppStatusBadge({ app }: { app: AppSummary }) {
  const phase = app.status?.phase;
  const working = app.status && app.status.generation !== null && app.status.observedGeneration !== app.status.generation;
  return (
    <span class="row app-status" data-testid="app-phase" data-phase={phase ?? (app.inCluster ? 'UNKNOWN' : 'NOT_IN_CLUSTER')}>
      {phase ? (
        <Badge tone={TONES[phase]}>{phase}</Badge>
      ) : (
        <span class="muted">{app.inCluster ? 'not seen by the controller yet' : 'not in the cluster'}</span>
      )}
      {working && phase !== 'DEPLOYING' && phase !== 'UNDEPLOYING' && <span class="muted">(controller catching up)</span>}
      {app.drifted && (
        <span title="the cluster's resource differs from the version monitor deployed" data-testid="app-drifted">
          <Badge tone="down">DRIFTED</Badge>
        </span>
      )}
    </span>
  );
}
