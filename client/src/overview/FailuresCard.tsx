// The overview's recent failed operations, newest first and live, each opening its
// output; the count opens the Operations page filtered to failures.
import { operationPath } from '../operations/OperationPage';
import type { OperationFilter } from '../operations/queries';
import { useOperations } from '../operations/useOperations';
import { Link } from '../router';
import { useServerChoices } from '../servers/useServerChoices';
import { ErrorNote } from '../ui/ErrorNote';
import { listPath } from '../ui/listPath';
import { LiveMark } from '../ui/LiveMark';
import { Time } from '../ui/Time';
import { Count } from './Count';

const FAILED: OperationFilter = { statuses: ['FAILED'] };
const SHOWN = 5;

export function FailuresCard() {
  const failures = useOperations(FAILED);
  const { nameOf } = useServerChoices();
  const loaded = failures.operations.length;

  return (
    <section class="card stack" data-testid="overview-failures">
      <div class="toolbar">
        <h2>Failed operations</h2>
        <Count
          value={failures.loading && loaded === 0 ? null : loaded}
          label={failures.pageInfo?.hasNextPage ? 'and more' : 'in all'}
          href={listPath('/operations', FAILED)}
          alarm
          testid="overview-failed-count"
        />
        <LiveMark error={failures.liveError} onReload={failures.reload} testid="overview-failures-live" />
      </div>
      <ErrorNote error={failures.error} />
      {!failures.loading && loaded === 0 && <p class="muted">Nothing has failed.</p>}
      <ul class="plain">
        {failures.operations.slice(0, SHOWN).map((op) => (
          <li key={op.id} class="row" data-testid="overview-failure">
            <Time value={op.finishedAt ?? op.createdAt} />
            <span class="mono">{op.kind}</span>
            <span class="mono muted">{op.serverId ? nameOf(op.serverId) : ''}</span>
            <Link href={operationPath(op.id)} class="mono ellipsis" title={op.error ?? op.target}>
              {op.target}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
