// appStatusChanged read as a stream: each app as it changes (status, liveness, drift), one
// app's or every app's. `onApp` hears each; `onMissed` hears that the feed fell behind
// and dropped changes (LAGGED), so what was read before must be read again. The result
// says why the feed stopped, if it did.
import { useEffect, useRef, useState } from 'preact/hooks';
import { openStream, useStreams } from '../api/stream';
import { APP_STATUS_CHANGED, type AppSummary } from './queries';

interface Listeners {
  onApp: (app: AppSummary) => void;
  onMissed: () => void;
}

export function useAppFeed(appId: string | null, listeners: Listeners, reloads: number) {
  const streams = useStreams();
  const latest = useRef(listeners);
  latest.current = listeners;
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setError(null);
    return openStream(streams, APP_STATUS_CHANGED, { appId }, {
      item: ({ appStatusChanged }) => latest.current.onApp(appStatusChanged),
      itemError: (e) => {
        if (e.extensions?.code === 'LAGGED') latest.current.onMissed();
        else setError(e.message);
      },
      failed: setError,
      done: () => setError('the server ended the feed'),
    });
  }, [streams, appId, reloads]);

  return error;
}
