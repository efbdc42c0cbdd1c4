// The containers of one server or of all, read again whenever the containerEvents feed of
// a server in view says something changed. An error naming a server (extensions.serverId)
// is that server's warning: the other servers' containers still show.
import type { CombinedError } from '@urql/core';
import { useClient } from '@urql/preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { messageOf } from '../api/errors';
import { openStream, useStreams } from '../api/stream';
import { CONTAINERS, CONTAINER_EVENTS, type Container, type ContainerFilter } from './queries';

// Engines report a change as a burst (create, attach, start…): one read per burst.
const SETTLE_MS = 250;

interface Listing {
  containers: Container[] | null;
  /** Server id → why its containers are missing. */
  warnings: Map<string, string>;
  /** What failed that is not about one server. */
  error: string | null;
}

function listing(data: { containers: Container[] } | undefined, error: CombinedError | undefined): Listing {
  const warnings = new Map<string, string>();
  const other: string[] = [];
  for (const e of error?.graphQLErrors ?? []) {
    const serverId = e.extensions?.serverId;
    if (typeof serverId === 'string') warnings.set(serverId, e.message);
    else other.push(e.message);
  }
  if (error && !data) return { containers: null, warnings, error: messageOf(error) };
  return { containers: data?.containers ?? null, warnings, error: other.length > 0 ? other.join('; ') : null };
}

export function useContainers(serverId: string | null, filter: ContainerFilter, serverIds: string[]) {
  const client = useClient();
  const streams = useStreams();
  const [state, setState] = useState<Listing>({ containers: null, warnings: new Map(), error: null });
  const [loading, setLoading] = useState(true);
  // Server id → why its live feed stopped.
  const [liveErrors, setLiveErrors] = useState<Map<string, string>>(new Map());
  // Answers to an older server, filter or set of servers are dropped.
  const generation = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const reload = useCallback(() => {
    const asked = generation.current;
    setLoading(true);
    client
      .query(CONTAINERS, { serverId, filter }, { requestPolicy: 'network-only' })
      .toPromise()
      .then((result) => {
        if (asked !== generation.current) return;
        setLoading(false);
        setState(listing(result.data, result.error));
      });
  }, [client, serverId, filter]);

  const watched = serverId ? [serverId] : serverIds;
  const watchedKey = watched.join(',');
  useEffect(() => {
    generation.current += 1;
    const settle = () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(reload, SETTLE_MS);
    };
    setLiveErrors(new Map());
    const unsubscribes = watchedKey
      .split(',')
      .filter(Boolean)
      .map((id) =>
        openStream(streams, CONTAINER_EVENTS, { serverId: id }, {
          item: settle,
          // Missed events (LAGGED) still mean something changed.
          itemError: settle,
          failed: (message) => setLiveErrors((errors) => new Map(errors).set(id, message)),
          done: () => setLiveErrors((errors) => new Map(errors).set(id, 'the server ended the feed')),
        }),
      );
    // Read after subscribing, so that no change falls between the list and the feeds.
    reload();
    return () => {
      if (timer.current) clearTimeout(timer.current);
      for (const unsubscribe of unsubscribes) unsubscribe();
    };
  }, [streams, watchedKey, reload]);

  return { ...state, loading, liveErrors, reload };
}
