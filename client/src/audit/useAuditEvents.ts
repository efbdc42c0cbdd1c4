// The audit events for one filter and order: the first page, "load more" by cursor, and
// events from the auditEventAdded subscription, prepended (and marked fresh) when the view
// is newest-first, otherwise counted so the user can reload.
import type { CombinedError } from '@urql/core';
import { useClient } from '@urql/preact';
import { useCallback, useEffect, useReducer, useRef, useState } from 'preact/hooks';
import type { Connection, PageInfo } from '../api/types';
import {
  AUDIT_EVENTS,
  AUDIT_EVENT_ADDED,
  type AuditEvent,
  type AuditEventFilter,
  type AuditEventOrder,
} from './queries';

const PAGE_SIZE = 50;

interface State {
  events: AuditEvent[];
  pageInfo: PageInfo | null;
  loading: boolean;
  error: CombinedError | undefined;
  /** Why the live feed stopped, if it did. */
  liveError: CombinedError | undefined;
  /** Ids of events that arrived live, to highlight. */
  fresh: Set<string>;
  /** Live events left out because the view is not newest-first. */
  missed: number;
}

type Action =
  | { type: 'reset' }
  | { type: 'loading' }
  | { type: 'page'; page: Connection<AuditEvent> }
  | { type: 'failed'; error: CombinedError }
  | { type: 'liveFailed'; error: CombinedError }
  | { type: 'live'; event: AuditEvent; prepend: boolean };

const INITIAL: State = {
  events: [],
  pageInfo: null,
  loading: true,
  error: undefined,
  liveError: undefined,
  fresh: new Set(),
  missed: 0,
};

function reduce(state: State, action: Action): State {
  switch (action.type) {
    case 'reset':
      return INITIAL;
    case 'loading':
      return { ...state, loading: true, error: undefined };
    case 'page': {
      // Appends; after a reset `events` holds only what arrived live while the page loaded.
      const known = new Set(state.events.map((e) => e.id));
      const added = action.page.nodes.filter((e) => !known.has(e.id));
      return { ...state, loading: false, events: [...state.events, ...added], pageInfo: action.page.pageInfo };
    }
    case 'failed':
      return { ...state, loading: false, error: action.error };
    case 'liveFailed':
      return { ...state, liveError: action.error };
    case 'live':
      if (state.events.some((e) => e.id === action.event.id)) return state;
      if (!action.prepend) return { ...state, missed: state.missed + 1 };
      return { ...state, events: [action.event, ...state.events], fresh: new Set(state.fresh).add(action.event.id) };
  }
}

export function useAuditEvents(filter: AuditEventFilter, order: AuditEventOrder) {
  const client = useClient();
  const [state, dispatch] = useReducer(reduce, INITIAL);
  const [reloads, setReloads] = useState(0);
  // Answers to an older filter or order are dropped.
  const generation = useRef(0);
  const newestFirst = order.field === 'OCCURRED_AT' && order.direction === 'DESC';

  const fetchPage = useCallback(
    (after: string | null) => {
      const asked = generation.current;
      dispatch({ type: 'loading' });
      client
        .query(AUDIT_EVENTS, { first: PAGE_SIZE, after, filter, orderBy: order }, { requestPolicy: 'network-only' })
        .toPromise()
        .then((result) => {
          if (asked !== generation.current) return;
          if (result.data) dispatch({ type: 'page', page: result.data.auditEvents });
          else if (result.error) dispatch({ type: 'failed', error: result.error });
        });
    },
    [client, filter, order],
  );

  useEffect(() => {
    generation.current += 1;
    dispatch({ type: 'reset' });
    // Subscribe before loading so nothing falls between the page and the live feed.
    const live = client.subscription(AUDIT_EVENT_ADDED, { filter }).subscribe((result) => {
      if (result.data) dispatch({ type: 'live', event: result.data.auditEventAdded, prepend: newestFirst });
      else if (result.error) dispatch({ type: 'liveFailed', error: result.error });
    });
    fetchPage(null);
    return live.unsubscribe;
  }, [client, fetchPage, filter, newestFirst, reloads]);

  const endCursor = state.pageInfo?.endCursor;
  return {
    ...state,
    newestFirst,
    loadMore: () => {
      if (endCursor) fetchPage(endCursor);
    },
    reload: () => setReloads((n) => n + 1),
  };
}
