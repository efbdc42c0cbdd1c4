// The audit events table: headers of sortable columns toggle the order, a click on a row
// opens its detail, live arrivals are highlighted.
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { Link } from '../router';
import { useServerChoices } from '../servers/useServerChoices';
import { stackPath } from '../stacks/StackPage';
import { useStackNames } from '../stacks/useStackNames';
import { Time } from '../ui/Time';
import { AuditDetail } from './AuditDetail';
import type { AuditEvent, AuditEventOrder, AuditOrderField } from './queries';

const COLUMNS: { label: string; sort?: AuditOrderField }[] = [
  { label: 'Occurred at', sort: 'OCCURRED_AT' },
  { label: 'Kind', sort: 'KIND' },
  { label: 'Actor' },
  { label: 'Summary' },
  { label: 'Subject' },
  { label: 'Stack', sort: 'STACK' },
  { label: 'Server', sort: 'SERVER' },
];

/**
 * A stack or server by its name now, linked while it is listed; one that is gone by the
 * name it had when the event was recorded; an event recorded with no name (from before
 * names were kept) by a short id.
 */
function Named({
  id,
  name,
  recorded,
  href,
}: {
  id: string | null;
  name: string | undefined;
  recorded: string | null;
  href?: (id: string) => string;
}) {
  if (!id) return null;
  if (name === undefined) {
    return recorded ? (
      <span class="mono muted" title={`removed since: ${id}`}>
        {recorded}
      </span>
    ) : (
      <span class="mono muted" title={`not listed any more: ${id}`}>
        {id.slice(0, 8)}…
      </span>
    );
  }
  const title = recorded && recorded !== name ? `${id}, named ${recorded} then` : id;
  return href ? (
    // A click on the link opens the stack, not the row's detail.
    <span onClick={(event) => event.stopPropagation()}>
      <Link href={href(id)} class="mono" title={title}>
        {name}
      </Link>
    </span>
  ) : (
    <span class="mono" title={title}>
      {name}
    </span>
  );
}

interface AuditTableProps {
  events: AuditEvent[];
  fresh: Set<string>;
  order: AuditEventOrder;
  onOrder: (order: AuditEventOrder) => void;
}

export function AuditTable({ events, fresh, order, onOrder }: AuditTableProps) {
  const [open, setOpen] = useState<string | null>(null);
  const stackName = useStackNames();
  const { names: serverNames } = useServerChoices();
  const serverName = (id: string) => serverNames.get(id);

  const sortBy = (field: AuditOrderField) =>
    onOrder({
      field,
      direction: order.field === field && order.direction === 'DESC' ? 'ASC' : 'DESC',
    });

  return (
    <table class="grid audit" data-testid="audit-table">
      <thead>
        <tr>
          {COLUMNS.map(({ label, sort }) => {
            if (!sort) return <th key={label}>{label}</th>;
            const active = order.field === sort;
            return (
              <th
                key={label}
                class="sortable"
                aria-sort={active ? (order.direction === 'ASC' ? 'ascending' : 'descending') : 'none'}
                onClick={() => sortBy(sort)}
                data-testid={`sort-${sort}`}
              >
                {label}
                <span class="sort-mark">{active ? (order.direction === 'ASC' ? ' ▲' : ' ▼') : ''}</span>
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody>
        {events.length === 0 && (
          <tr>
            <td colSpan={COLUMNS.length} class="muted">
              No events.
            </td>
          </tr>
        )}
        {events.map((e) => (
          <Fragment key={e.id}>
            <tr
              class={`clickable${fresh.has(e.id) ? ' fresh' : ''}${open === e.id ? ' open' : ''}`}
              onClick={() => setOpen(open === e.id ? null : e.id)}
              aria-expanded={open === e.id}
              data-testid="audit-row"
              data-kind={e.kind}
              data-id={e.id}
            >
              <td>
                <Time value={e.occurredAt} />
              </td>
              <td class="mono kind">{e.kind}</td>
              <td class="mono">{e.actor.name}</td>
              <td>
                {e.summary}
                {e.diff && <span class="diff-mark" title="has a diff"> Δ</span>}
              </td>
              <td>{e.subject ? `${e.subject.type} ${e.subject.name ?? e.subject.id ?? ''}` : ''}</td>
              <td data-testid="audit-stack">
                <Named id={e.stackId} name={e.stackId ? stackName(e.stackId) : undefined} recorded={e.stackName} href={stackPath} />
              </td>
              <td data-testid="audit-server">
                <Named id={e.serverId} name={e.serverId ? serverName(e.serverId) : undefined} recorded={e.serverName} />
              </td>
            </tr>
            {open === e.id && (
              <tr class="detail-row">
                <td colSpan={COLUMNS.length}>
                  <AuditDetail event={e} />
                </td>
              </tr>
            )}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}
