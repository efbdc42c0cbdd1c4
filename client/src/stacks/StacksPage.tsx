// Stacks: every stack with its server, checked-out commit, deployed image, the operation
// its last action started and the live status of its containers (kept current by the
// servers' containerEvents feeds). Each opens its own page; operators create stacks here.
import { useQuery } from '@urql/preact';
import { useMemo } from 'preact/hooks';
import { roleAllows } from '../api/types';
import type { Container, ContainerFilter } from '../containers/queries';
import { useContainers } from '../containers/useContainers';
import { operationPath } from '../operations/OperationPage';
import { OperationStatusBadge } from '../operations/OperationStatusBadge';
import { Link } from '../router';
import { useServerChoices } from '../servers/useServerChoices';
import { useSession } from '../session/session';
import { ErrorNote } from '../ui/ErrorNote';
import { CreateStackForm } from './CreateStackForm';
import { shortCommit } from './format';
import { LIST_SIZE, STACK_LABEL, STACKS, STACKS_CONTEXT } from './queries';
import { StackContainers } from './StackContainers';
import { stackPath } from './StackPage';
import './stacks.css';

const STACK_CONTAINERS: ContainerFilter = { label: STACK_LABEL };

function byStack(containers: Container[]): Map<string, Container[]> {
  const groups = new Map<string, Container[]>();
  for (const container of containers) {
    const stackId = container.labels.find((label) => label.key === STACK_LABEL)?.value;
    if (stackId) groups.set(stackId, [...(groups.get(stackId) ?? []), container]);
  }
  return groups;
}

export function StacksPage() {
  const { viewer } = useSession();
  const canOperate = roleAllows(viewer.role, 'OPERATOR');
  const { servers, nameOf } = useServerChoices();
  const [{ data, error }] = useQuery({ query: STACKS, variables: { first: LIST_SIZE }, context: STACKS_CONTEXT });
  const serverIds = useMemo(() => servers.map((server) => server.id), [servers]);
  const live = useContainers(null, STACK_CONTAINERS, serverIds);
  const containers = useMemo(() => live.containers && byStack(live.containers), [live.containers]);
  const stacks = data?.stacks.nodes ?? [];

  return (
    <div class="stack">
      {canOperate && <CreateStackForm servers={servers} />}
      <ErrorNote error={error} />
      <ErrorNote message={live.error} testid="stack-containers-error" />
      {data && (
        <table class="grid stacks" data-testid="stacks-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Server</th>
              <th>Commit</th>
              <th>Deployed image</th>
              <th>Last operation</th>
              <th>Containers</th>
            </tr>
          </thead>
          <tbody>
            {stacks.length === 0 && (
              <tr>
                <td colSpan={6} class="muted" data-testid="stacks-empty">
                  No stacks yet.
                </td>
              </tr>
            )}
            {stacks.map((stack) => (
              <tr key={stack.id} data-testid={`stack-row-${stack.name}`}>
                <td>
                  <Link href={stackPath(stack.id)} class="mono" data-testid="stack-link">
                    {stack.name}
                  </Link>
                </td>
                <td class="mono">{nameOf(stack.serverId)}</td>
                <td class="mono" title={stack.commit ?? undefined} data-testid="stack-commit">
                  {stack.commit ? shortCommit(stack.commit) : <span class="muted">not checked out</span>}
                </td>
                <td class="mono" data-testid="stack-deployed-image">
                  {stack.deployedImage ?? <span class="muted">not deployed</span>}
                </td>
                <td>
                  {stack.lastOperation ? (
                    <Link
                      href={operationPath(stack.lastOperation.id)}
                      data-testid="stack-last-operation"
                      data-kind={stack.lastOperation.kind}
                      data-status={stack.lastOperation.status}
                    >
                      <span class="mono">{stack.lastOperation.kind.toLowerCase()}</span>{' '}
                      <OperationStatusBadge status={stack.lastOperation.status} exitCode={null} />
                    </Link>
                  ) : (
                    <span class="muted">nothing yet</span>
                  )}
                </td>
                <td>
                  <StackContainers
                    containers={containers && (containers.get(stack.id) ?? [])}
                    warning={live.warnings.get(stack.serverId)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data?.stacks.pageInfo.hasNextPage && <p class="muted">Showing the first {LIST_SIZE} stacks.</p>}
    </div>
  );
}
