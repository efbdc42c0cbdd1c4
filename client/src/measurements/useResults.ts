// A measurement's results as they arrive: the live feed is opened first, then the stored
// results are read page by page, so none falls between the two; each is kept once (by
// id), in the order they were measured. A feed that lagged or reconnected may have
// missed some, so they are read again (results never change: what is shown stays, and
// the missed ones join it). At most MAX_RESULTS are kept (the newest).
import type { CombinedError } from '@urql/core';
import { useClient } from '@urql/preact';
import { useCallback, useEffect, useReducer, useRef, useState } from 'preact/hooks';
import { openLiveFeed, useStreams } from '../api/stream';
import { PAGE_SIZE, type ProbeResult, RESULTS, RESULT_ADDED } from './queries';

export const MAX_RESULTS = 5000;

interface State {
  results: ProbeResult[];
  /** Whether the stored results are all read. */
  loaded: boolean;
  error: CombinedError | undefined;
  liveError: string | null;
}

type Action =
  | { type: 'reset' }
  | { type: 'reading' }
  | { type: 'add'; results: ProbeResult[] }
  | { type: 'loaded' }
  | { type: 'failed'; error: CombinedError }
  | { type: 'liveFailed'; message: string };

const INITIAL: State = { results: [], loaded: false, error: undefined, liveError: null };

const byMeasuredAt = (a: ProbeResult, b: ProbeResult) => Date.parse(a.measuredAt) - Date.parse(b.measuredAt);

function reduce(state: State, action: Action): State {
  switch (action.type) {
    case 'reset':
      return INITIAL;
    case 'reading':
      return { ...state, error: undefined, liveError: null };
    case 'add': {
      const known = new Set(state.results.map((r) => r.id));
      const added = action.results.filter((r) => !known.has(r.id));
      if (added.length === 0) return state;
      return { ...state, results: [...state.results, ...added].sort(byMeasuredAt).slice(-MAX_RESULTS) };
    }
    case 'loaded':
      return { ...state, loaded: true };
    case 'failed':
      return { ...state, error: action.error };
    case 'liveFailed':
      return { ...state, liveError: action.message };
  }
}

/** `onResult` hears of each result that arrives live. */
export function useResults(measurementId: string, onResult: () => void) {
  const client = useClient();
  const streams = useStreams();
  const [state, dispatch] = useReducer(reduce, INITIAL);
  const [reloads, setReloads] = useState(0);
  const reload = useCallback(() => setReloads((n) => n + 1), []);
  const latestOnResult = useRef(onResult);
  latestOnResult.current = onResult;

  useEffect(() => dispatch({ type: 'reset' }), [measurementId]);

  useEffect(() => {
    let current = true;
    dispatch({ type: 'reading' });
    const stop = openLiveFeed(streams, RESULT_ADDED, { id: measurementId }, {
      item: ({ measurementResults }) => {
        dispatch({ type: 'add', results: [measurementResults] });
        latestOnResult.current();
      },
      resync: reload,
      stopped: (message) => dispatch({ type: 'liveFailed', message }),
    });
    const readFrom = async (after: string | null, read: number): Promise<void> => {
      const result = await client.query(RESULTS, { id: measurementId, first: PAGE_SIZE, after }, { requestPolicy: 'network-only' }).toPromise();
      if (!current) return;
      const page = result.data?.measurement?.results;
      if (!page) {
        if (result.error) dispatch({ type: 'failed', error: result.error });
        return;
      }
      dispatch({ type: 'add', results: page.nodes });
      const total = read + page.nodes.length;
      if (page.pageInfo.hasNextPage && page.pageInfo.endCursor && total < MAX_RESULTS) return readFrom(page.pageInfo.endCursor, total);
      dispatch({ type: 'loaded' });
    };
    void readFrom(null, 0);
    return () => {
      current = false;
      stop();
    };
  }, [client, streams, measurementId, reload, reloads]);

  return { ...state, reload };
}
