// Every probe not revoked, kept live by probeUpdated: a probe registered, connecting,
// disconnecting or changing load takes its new state in place; a revoked or deleted one
// leaves the list. The feed is opened before the list is read, and the changes that come
// while it is read are replayed on it, so none is lost; a feed that lagged or reconnected
// may have missed some, so the list is read again (and shown as it was meanwhile).
import type { CombinedError } from '@urql/core';
import { useClient } from '@urql/preact';
import { useCallback, useEffect, useReducer, useState } from 'preact/hooks';
import { openLiveFeed, useStreams } from '../api/stream';
import { LIST_SIZE, PROBES, PROBE_UPDATED, type Probe } from './queries';

interface State {
  probes: Probe[] | null;
  more: boolean;
  error: CombinedError | undefined;
  /** Why the live feed stopped, if it did. */
  liveError: string | null;
  /** While the list is being read: the changes since, replayed on it once it comes. */
  pending: Map<string, Probe | null> | null;
}

type Action =
  | { type: 'reading' }
  | { type: 'list'; probes: Probe[]; more: boolean }
  | { type: 'failed'; error: CombinedError }
  | { type: 'liveFailed'; message: string }
  | { type: 'changed'; probeId: string; probe: Probe | null };

const INITIAL: State = { probes: null, more: false, error: undefined, liveError: null, pending: null };

const byRegistration = (a: Probe, b: Probe) => Date.parse(a.createdAt) - Date.parse(b.createdAt);

function apply(probes: Probe[], probeId: string, probe: Probe | null): Probe[] {
  const others = probes.filter((p) => p.id !== probeId);
  if (!probe || probe.revokedAt) return others;
  return [...others, probe].sort(byRegistration);
}

function reduce(state: State, action: Action): State {
  switch (action.type) {
    case 'reading':
      // What is shown stays until the new list replaces it.
      return { ...state, liveError: null, pending: new Map() };
    case 'list': {
      let probes = action.probes;
      for (const [probeId, probe] of state.pending ?? []) probes = apply(probes, probeId, probe);
      return { ...state, probes, more: action.more, error: undefined, pending: null };
    }
    case 'failed':
      return { ...state, error: action.error, pending: null };
    case 'liveFailed':
      return { ...state, liveError: action.message };
    case 'changed': {
      const { probeId, probe } = action;
      const pending = state.pending && new Map(state.pending).set(probeId, probe);
      return { ...state, pending, probes: state.probes && apply(state.probes, probeId, probe) };
    }
  }
}

export function useProbes() {
  const client = useClient();
  const streams = useStreams();
  const [state, dispatch] = useReducer(reduce, INITIAL);
  const [reloads, setReloads] = useState(0);
  const reload = useCallback(() => setReloads((n) => n + 1), []);

  useEffect(() => {
    let current = true;
    dispatch({ type: 'reading' });
    const stop = openLiveFeed(streams, PROBE_UPDATED, {}, {
      item: ({ probeUpdated }) => dispatch({ type: 'changed', probeId: probeUpdated.probeId, probe: probeUpdated.probe }),
      resync: reload,
      stopped: (message) => dispatch({ type: 'liveFailed', message }),
    });
    client
      .query(PROBES, { first: LIST_SIZE }, { requestPolicy: 'network-only' })
      .toPromise()
      .then((result) => {
        if (!current) return;
        if (result.data) dispatch({ type: 'list', probes: result.data.probes.nodes, more: result.data.probes.pageInfo.hasNextPage });
        else if (result.error) dispatch({ type: 'failed', error: result.error });
      });
    return () => {
      current = false;
      stop();
    };
  }, [client, streams, reload, reloads]);

  return { probes: state.probes, more: state.more, error: state.error, liveError: state.liveError, reload };
}
