// What a stack is and runs: its server, checked-out commit, built and deployed images,
// who made it, and its containers, live from its server's containerEvents feed.
import { useMemo } from 'preact/hooks';
import { useContainers } from '../containers/useContainers';
import { useServerChoices } from '../servers/useServerChoices';
import { Time } from '../ui/Time';
import { shortCommit } from './format';
import { STACK_LABEL, type Stack } from './queries';
import { StackContainers } from './StackContainers';

const NO_OTHER_SERVERS: string[] = [];

export function StackSummary({ stack }: { stack: Stack }) {
  const { nameOf } = useServerChoices();
  const filter = useMemo(() => ({ label: `${STACK_LABEL}=${stack.id}` }), [stack.id]);
  const live = useContainers(stack.serverId, filter, NO_OTHER_SERVERS);

  return (
    <div class="card" data-testid="stack-summary">
      <h2 class="stack-name mono" data-testid="stack-name">
        {stack.name}
      </h2>
      <dl class="facts">
        <dt>Server</dt>
        <dd class="mono">{nameOf(stack.serverId)}</dd>
        <dt>Commit</dt>
        <dd class="mono" title={stack.commit ?? undefined} data-testid="stack-commit">
          {stack.commit ? shortCommit(stack.commit) : <span class="muted">not checked out</span>}
        </dd>
        <dt>Built image</dt>
        <dd class="mono" data-testid="stack-built-image">
          {stack.builtImage ?? <span class="muted">not built</span>}
        </dd>
        <dt>Deployed image</dt>
        <dd class="mono" data-testid="stack-deployed-image">
          {stack.deployedImage ?? <span class="muted">not deployed</span>}
        </dd>
        <dt>Containers</dt>
        <dd>
          <StackContainers containers={live.containers} warning={live.warnings.get(stack.serverId) ?? live.error ?? undefined} />
        </dd>
        <dt>Owner</dt>
        <dd class="mono">{stack.owner.name}</dd>
        <dt>Updated</dt>
        <dd>
          <Time value={stack.updatedAt} />
        </dd>
      </dl>
    </div>
  );
}
