// The overview's stacks, each with its last run (kind, status, when, how long): the
// stack's lastOperation, as one stacks query reads it for every stack, replaced by a newer
// run as the one operationUpdated feed for top-level runs reports it.
import { useQuery } from '@urql/preact';
import { useMemo } from 'preact/hooks';
import { operationPath } from '../operations/OperationPage';
import { OperationStatusBadge } from '../operations/OperationStatusBadge';
import { type Operation, type OperationFilter, isFinished } from '../operations/queries';
import { useOperations } from '../operations/useOperations';
import { Link } from '../router';
import { useServerChoices } from '../servers/useServerChoices';
import { stackPath } from '../stacks/StackPage';
import { type LastOperation, LIST_SIZE, STACKS, STACKS_CONTEXT, type StackSummary } from '../stacks/queries';
import { ErrorNote } from '../ui/ErrorNote';
import { LiveMark } from '../ui/LiveMark';
import { Duration, Time } from '../ui/Time';
import { Count } from './Count';

const RUNS: OperationFilter = { topLevel: true };

export function StacksCard() {
  const [{ data, error }] = useQuery({ query: STACKS, variables: { first: LIST_SIZE }, context: STACKS_CONTEXT });
  const runs = useOperations(RUNS);
  const { nameOf } = useServerChoices();
  // The feed lists newest first, so the first run seen for a stack is its last.
  const lastRuns = useMemo(() => {
    const last = new Map<string, Operation>();
    for (const run of runs.operations) if (run.stackId && !last.has(run.stackId)) last.set(run.stackId, run);
    return last;
  }, [runs.operations]);
  const stacks = data?.stacks.nodes ?? [];

  return (
    <section class="card stack" data-testid="overview-stacks">
      <div class="toolbar">
        <h2>Stacks</h2>
        <Count value={data ? stacks.length : null} label="in all" href="/stacks" testid="overview-stacks-count" />
        <LiveMark error={runs.liveError} onReload={runs.reload} testid="overview-stacks-live" />
      </div>
      <ErrorNote error={error ?? runs.error} />
      {data && stacks.length === 0 && <p class="muted">No stacks yet.</p>}
      {stacks.length > 0 && (
        <div class="scroll-x">
          <table class="grid">
            <thead>
              <tr>
                <th>Stack</th>
                <th>Server</th>
                <th>Last run</th>
              </tr>
            </thead>
            <tbody>
              {stacks.map((stack) => (
                <StackRow key={stack.id} stack={stack} server={nameOf(stack.serverId)} live={lastRuns.get(stack.id)} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function StackRow({ stack, server, live }: { stack: StackSummary; server: string; live: Operation | undefined }) {
  // The feed lists the newest runs: one there is at least as recent as the stored one.
  const run: LastOperation | null = live ?? stack.lastOperation;
  return (
    <tr data-testid={`overview-stack-${stack.name}`}>
      <td>
        <Link href={stackPath(stack.id)} class="mono">
          {stack.name}
        </Link>
      </td>
      <td class="mono">{server}</td>
      <td data-testid="overview-stack-last-run" data-status={run?.status ?? ''}>
        {run ? (
          <span class="row">
            <Link href={operationPath(run.id)} class="mono">
              {run.kind}
            </Link>
            <OperationStatusBadge status={run.status} exitCode={run.exitCode} />
            <Time value={run.createdAt} />
            <Duration from={run.startedAt} to={run.finishedAt} ended={isFinished(run.status)} />
          </span>
        ) : (
          <span class="muted">never run</span>
        )}
      </td>
    </tr>
  );
}
