// Operations: the history of commands, stack actions and pipeline runs by status and
// server, paged by cursor and kept live, each linking to its output.
import { useState } from 'preact/hooks';
import { Link, useLocation } from '../router';
import { ServerSelect } from '../servers/ServerSelect';
import { useServerChoices } from '../servers/useServerChoices';
import { ErrorNote } from '../ui/ErrorNote';
import { listView } from '../ui/listPath';
import { LiveMark } from '../ui/LiveMark';
import { Duration, Time } from '../ui/Time';
import { ToggleChips } from '../ui/ToggleChips';
import { operationPath } from './OperationPage';
import { OperationStatusBadge } from './OperationStatusBadge';
import { isFinished, OPERATION_STATUSES, type OperationFilter } from './queries';
import { useOperations } from './useOperations';
import './operations.css';

export function OperationsPage() {
  const { servers, nameOf } = useServerChoices();
  const { query } = useLocation();
  // A link (the overview's failures) may ask for a filter to start from.
  const [filter, setFilter] = useState<OperationFilter>(() => listView(query, OPERATION_STATUSES));
  const history = useOperations(filter);

  return (
    <div class="stack">
      <div class="filters" data-testid="operation-filters">
        <div class="row">
          <label class="inline">
            Server
            <ServerSelect
              servers={servers}
              value={filter.serverId ?? ''}
              onChange={(id) => setFilter({ ...filter, serverId: id || undefined })}
              anyLabel="All servers"
              testid="filter-server"
            />
          </label>
          <ToggleChips
            label="Statuses"
            options={OPERATION_STATUSES}
            value={filter.statuses ?? []}
            onChange={(next) => setFilter({ ...filter, statuses: next.length > 0 ? next : undefined })}
            testid="filter-status"
          />
        </div>
      </div>
      <div class="toolbar">
        <span data-testid="operations-count">
          {history.operations.length} operation{history.operations.length === 1 ? '' : 's'}
          {history.pageInfo?.hasNextPage ? ' (more available)' : ''}
        </span>
        <LiveMark error={history.liveError} onReload={history.reload} testid="operations-live" />
        {history.loading && <span class="muted">Loading…</span>}
      </div>
      <ErrorNote error={history.error} />
      <table class="grid operations" data-testid="operations-table">
        <thead>
          <tr>
            <th>Created</th>
            <th>Status</th>
            <th>Server</th>
            <th>Command</th>
            <th>By</th>
            <th>Took</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {!history.loading && history.operations.length === 0 && (
            <tr>
              <td colSpan={7} class="muted">
                No operations.
              </td>
            </tr>
          )}
          {history.operations.map((op) => (
            <tr key={op.id} data-testid="operation-row" data-id={op.id} data-status={op.status}>
              <td data-testid="operation-created">
                <Time value={op.createdAt} />
              </td>
              <td>
                <OperationStatusBadge status={op.status} exitCode={op.exitCode} />
              </td>
              <td class="mono">{op.serverId && nameOf(op.serverId)}</td>
              <td class="mono target" title={op.target}>
                {op.target}
              </td>
              <td class="mono">{op.actor.name}</td>
              <td data-testid="operation-took">
                <Duration from={op.startedAt} to={op.finishedAt} ended={isFinished(op.status)} />
              </td>
              <td class="actions">
                <Link href={operationPath(op.id)} data-testid="operation-output-link">
                  Output ({op.outputLines})
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {history.pageInfo?.hasNextPage && (
        <button type="button" onClick={history.loadMore} disabled={history.loading} data-testid="operations-load-more">
          Load more
        </button>
      )}
    </div>
  );
}
