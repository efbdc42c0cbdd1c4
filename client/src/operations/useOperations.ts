// The operations history for one filter, newest first unless told otherwise: the first
// page, then "load more" by cursor, kept live by operationUpdated. A new operation takes
// its place in the order, a known one is replaced as it starts and ends, and one that has
// left the status filter is dropped; `onUpdated` hears of each change. A feed that lagged
// or reconnected may have missed changes, so the history is read again.
import type { CombinedError } from '@urql/core';
import { useClient } from '@urql/preact';
import { useCallback, useEffect, useReducer, useRef, useState } from 'preact/hooks';
import { openLiveFeed, useStreams } from '../api/stream';
import type { Connection, PageInfo } from '../api/types';
import { OPERATIONS, OPERATION_UPDATED, type Operation, type OperationFilter, type OperationOrder } from './queries';

const PAGE_SIZE = 50;
const NEWEST_FIRST: OperationOrder = { field: 'CREATED_AT', direction: 'DESC' };

interface State {
  operations: Operation[];
  pageInfo: PageInfo | null;
  loading: boolean;
  error: CombinedError | undefined;
  /** Why the live feed stopped, if it did. */
  liveError: string | null;
}

type Action =
  | { type: 'reset' }
  | { type: 'loading' }
  | { type: 'page'; page: Connection<Operation>; order: OperationOrder }
  | { type: 'failed'; error: CombinedError }
  | { type: 'liveFailed'; message: string }
  | { type: 'live'; operation: Operation; wanted: boolean; order: OperationOrder };

const INITIAL: State = { operations: [], pageInfo: null, loading: true, error: undefined, liveError: null };

function compare(order: OperationOrder) {
  const sign = order.direction === 'ASC' ? 1 : -1;
  return (a: Operation, b: Operation) => sign * (Date.parse(a.createdAt) - Date.parse(b.createdAt));
}

function reduce(state: State, action: Action): State {
  switch (action.type) {
    case 'reset':
      return INITIAL;
    case 'loading':
      return { ...state, loading: true, error: undefined };
    case 'page': {
      // What is already listed arrived live, so it is at least as new as the page.
      const known = new Set(state.operations.map((o) => o.id));
      const added = action.page.nodes.filter((o) => !known.has(o.id));
      const operations = [...state.operations, ...added].sort(compare(action.order));
      return { ...state, loading: false, operations, pageInfo: action.page.pageInfo };
    }
    case 'failed':
      return { ...state, loading: false, error: action.error };
    case 'liveFailed':
      return { ...state, liveError: action.message };
    case 'live': {
      const { operation, wanted, order } = action;
      const index = state.operations.findIndex((o) => o.id === operation.id);
      if (!wanted) return index < 0 ? state : { ...state, operations: state.operations.filter((o) => o.id !== operation.id) };
      if (index >= 0) return { ...state, operations: state.operations.map((o, i) => (i === index ? operation : o)) };
      // One that sorts past the loaded pages comes with "load more".
      const last = state.operations.at(-1);
      if (state.pageInfo?.hasNextPage && last && compare(order)(operation, last) > 0) return state;
      return { ...state, operations: [...state.operations, operation].sort(compare(order)) };
    }
  }
}

interface Options {
  orderBy?: OperationOrder;
  /** Each operation of the filter as the live feed reports it (created, started, ended). */
  onUpdated?: (operation: Operation) => void;
}

export function useOperations(filter: OperationFilter, { orderBy = NEWEST_FIRST, onUpdated }: Options = {}) {
  const client = useClient();
  const streams = useStreams();
  const latestOnUpdated = useRef(onUpdated);
  latestOnUpdated.current = onUpdated;
  const [state, dispatch] = useReducer(reduce, INITIAL);
  const [reloads, setReloads] = useState(0);
  const reload = useCallback(() => setReloads((n) => n + 1), []);
  // Answers to an older filter are dropped.
  const generation = useRef(0);

  const fetchPage = useCallback(
    (after: string | null) => {
      const asked = generation.current;
      dispatch({ type: 'loading' });
      client
        .query(OPERATIONS, { first: PAGE_SIZE, after, filter, orderBy }, { requestPolicy: 'network-only' })
        .toPromise()
        .then((result) => {
          if (asked !== generation.current) return;
          if (result.data) dispatch({ type: 'page', page: result.data.operations, order: orderBy });
          else if (result.error) dispatch({ type: 'failed', error: result.error });
        });
    },
    [client, filter, orderBy],
  );

  useEffect(() => {
    generation.current += 1;
    dispatch({ type: 'reset' });
    // Statuses are matched here, so that an operation leaving them is seen and dropped.
    const { statuses, ...watched } = filter;
    // Subscribe before loading so nothing falls between the page and the live feed.
    const stop = openLiveFeed(streams, OPERATION_UPDATED, { filter: watched }, {
      item: ({ operationUpdated: operation }) => {
        dispatch({ type: 'live', operation, wanted: !statuses || statuses.includes(operation.status), order: orderBy });
        latestOnUpdated.current?.(operation);
      },
      resync: reload,
      stopped: (message) => dispatch({ type: 'liveFailed', message }),
    });
    fetchPage(null);
    return stop;
  }, [streams, fetchPage, filter, orderBy, reload, reloads]);

  const endCursor = state.pageInfo?.endCursor;
  return {
    ...state,
    loadMore: () => {
      if (endCursor) fetchPage(endCursor);
    },
    reload,
  };
}
