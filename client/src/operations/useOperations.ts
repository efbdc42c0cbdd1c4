// The operations history for one filter, newest first unless told otherwise: the first
// page, then "load more" by cursor. Reloaded on demand (operations change state without a
// feed to follow).
import type { CombinedError } from '@urql/core';
import { useClient } from '@urql/preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { PageInfo } from '../api/types';
import { OPERATIONS, type Operation, type OperationFilter, type OperationOrder } from './queries';

const PAGE_SIZE = 50;
const NEWEST_FIRST: OperationOrder = { field: 'CREATED_AT', direction: 'DESC' };

interface State {
  operations: Operation[];
  pageInfo: PageInfo | null;
  loading: boolean;
  error: CombinedError | undefined;
}

const INITIAL: State = { operations: [], pageInfo: null, loading: true, error: undefined };

export function useOperations(filter: OperationFilter, orderBy: OperationOrder = NEWEST_FIRST) {
  const client = useClient();
  const [state, setState] = useState<State>(INITIAL);
  const [reloads, setReloads] = useState(0);
  // Answers to an older filter are dropped.
  const generation = useRef(0);

  const fetchPage = useCallback(
    (after: string | null) => {
      const asked = generation.current;
      setState((s) => ({ ...s, loading: true, error: undefined }));
      client
        .query(OPERATIONS, { first: PAGE_SIZE, after, filter, orderBy }, { requestPolicy: 'network-only' })
        .toPromise()
        .then((result) => {
          if (asked !== generation.current) return;
          const page = result.data?.operations;
          setState((s) =>
            page
              ? { operations: after ? [...s.operations, ...page.nodes] : page.nodes, pageInfo: page.pageInfo, loading: false, error: undefined }
              : { ...s, loading: false, error: result.error },
          );
        });
    },
    [client, filter, orderBy],
  );

  useEffect(() => {
    generation.current += 1;
    setState(INITIAL);
    fetchPage(null);
  }, [fetchPage, reloads]);

  const endCursor = state.pageInfo?.endCursor;
  return {
    ...state,
    loadMore: () => {
      if (endCursor) fetchPage(endCursor);
    },
    reload: () => setReloads((n) => n + 1),
  };
}
