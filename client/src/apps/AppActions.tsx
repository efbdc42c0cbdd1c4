// Deploy a version (the newest unless another is picked; an older one than the running
// version is a revert) or undeploy, each asked twice and with a reason for the history.
// Each starts an operation, whose id is handed on so its progress shows live.
import { useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { ConfirmButton } from '../ui/ConfirmButton';
import { ErrorNote } from '../ui/ErrorNote';
import { type App, DEPLOY_APP, UNDEPLOY_APP } from './queries';

interface AppActionsProps {
  app: App;
  onStarted: (operationId: string) => void;
}

/** What deploying `version` does, said as the confirmation asks it. */
function deployQuestion(app: App, version: number): string {
  const running = app.activeVersion?.number;
  const verb = app.active && running !== undefined && version < running ? 'Revert' : 'Deploy';
  return `${verb} ${app.namespace}/${app.name} to v${version}${running !== undefined ? ` (now v${running})` : ''}?`;
}

export function AppActions({ app, onStarted }: AppActionsProps) {
  // The newest, until another is picked (a version saved since is then the newest).
  const [picked, setPicked] = useState<number | null>(null);
  const version = picked ?? app.versions.nodes[0]?.number ?? 1;
  const [reason, setReason] = useState('');
  const [undeploying, undeploy] = useMutation(UNDEPLOY_APP);
  const why = reason.trim() || null;

  const startUndeploy = async () => {
    const result = await undeploy({ input: { appId: app.id, reason: why } });
    if (result.data) onStarted(result.data.undeployApp.id);
  };

  return (
    <div class="card stack" data-testid="app-actions">
      <div class="row">
        <label class="inline">
          Version
          <select value={version} onChange={(e) => setPicked(Number(e.currentTarget.value))} data-testid="app-deploy-version">
            {app.versions.nodes.map((v) => (
              <option key={v.number} value={v.number}>
                v{v.number} {v.message}
              </option>
            ))}
          </select>
        </label>
        <label class="inline">
          Reason
          <input value={reason} placeholder="for the history" onInput={(e) => setReason(e.currentTarget.value)} data-testid="app-deploy-reason" />
        </label>
        <DeployButton app={app} version={version} reason={why} onStarted={onStarted} testid="app-deploy" />
        {app.active && (
          <ConfirmButton
            label="Undeploy"
            question={`Undeploy ${app.namespace}/${app.name}? Its resource stays.`}
            onConfirm={startUndeploy}
            disabled={undeploying.fetching}
            testid="app-undeploy"
          />
        )}
      </div>
      <ErrorNote error={undeploying.error} testid="app-undeploy-error" />
    </div>
  );
}

interface DeployButtonProps {
  app: App;
  version: number;
  reason: string | null;
  onStarted: (operationId: string) => void;
  testid: string;
}

/** "Deploy" (or "Revert", for an older version than the running one), asked twice. */
export function DeployButton({ app, version, reason, onStarted, testid }: DeployButtonProps) {
  const [{ fetching, error }, deploy] = useMutation(DEPLOY_APP);
  const running = app.activeVersion?.number;
  const revert = app.active && running !== undefined && version < running;
  const start = async () => {
    const result = await deploy({ input: { appId: app.id, version, reason } });
    if (result.data) onStarted(result.data.deployApp.id);
  };
  return (
    <>
      <ConfirmButton
        label={revert ? 'Revert' : 'Deploy'}
        question={deployQuestion(app, version)}
        onConfirm={start}
        disabled={fetching}
        primary
        testid={testid}
      />
      <ErrorNote error={error} testid={`${testid}-error`} />
    </>
  );
}
