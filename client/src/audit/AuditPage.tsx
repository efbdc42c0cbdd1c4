// Audit log: filterable, sortable, paged by cursor, and live when sorted newest-first.
import { useState } from 'preact/hooks';
import { messageOf } from '../api/errors';
import { ErrorNote } from '../ui/ErrorNote';
import { AuditFilters } from './AuditFilters';
import { AuditTable } from './AuditTable';
import type { AuditEventFilter, AuditEventOrder } from './queries';
import { useAuditEvents } from './useAuditEvents';
import './audit.css';

const NEWEST_FIRST: AuditEventOrder = { field: 'OCCURRED_AT', direction: 'DESC' };

export function AuditPage() {
  const [filter, setFilter] = useState<AuditEventFilter>({});
  const [order, setOrder] = useState<AuditEventOrder>(NEWEST_FIRST);
  const audit = useAuditEvents(filter, order);

  return (
    <div class="stack">
      <AuditFilters value={filter} onChange={setFilter} />
      <div class="toolbar">
        <span data-testid="audit-count">
          {audit.events.length} event{audit.events.length === 1 ? '' : 's'}
          {audit.pageInfo?.hasNextPage ? ' (more available)' : ''}
        </span>
        {audit.liveError ? (
          <span class="live-stopped" title={messageOf(audit.liveError)} data-testid="audit-live-stopped">
            ○ live updates stopped: reload the page
          </span>
        ) : audit.newestFirst ? (
          <span class="live" title="new events appear at the top as they happen" data-testid="audit-live">
            ● live
          </span>
        ) : (
          audit.missed > 0 && (
            <button type="button" onClick={audit.reload} data-testid="audit-reload">
              {audit.missed} new event{audit.missed === 1 ? '' : 's'}: reload
            </button>
          )
        )}
        {audit.loading && <span class="muted">Loading…</span>}
      </div>
      <ErrorNote error={audit.error} />
      <AuditTable events={audit.events} fresh={audit.fresh} order={order} onOrder={setOrder} />
      {audit.pageInfo?.hasNextPage && (
        <button type="button" onClick={audit.loadMore} disabled={audit.loading} data-testid="audit-load-more">
          Load more
        </button>
      )}
    </div>
  );
}
