// Keeps a user's credits page live: creditsChanged says when their balance moves (a grant,
// a measurement's reservation or release, a probe's earning), and the page reads the
// balance and ledger again then. Its first item is the balance when subscribed, so a
// movement made between the page's read and the subscription is not missed; a feed that
// lagged or reconnected reads again too.
import { useEffect, useRef, useState } from 'preact/hooks';
import { openLiveFeed, useStreams } from '../api/stream';
import { CREDITS_CHANGED } from './queries';

/** Calls `reread` whenever `userId`'s balance may have changed; returns why the feed stopped, if it did, and a restart. */
export function useCreditsFeed(userId: string, reread: () => void) {
  const streams = useStreams();
  const latest = useRef(reread);
  latest.current = reread;
  const [liveError, setLiveError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    setLiveError(null);
    const again = () => latest.current();
    return openLiveFeed(streams, CREDITS_CHANGED, { userId }, { item: again, resync: again, stopped: setLiveError });
  }, [streams, userId, attempt]);

  return { liveError, restart: () => setAttempt((n) => n + 1) };
}
