// appStatusChanged read as a stream: each app as it changes (status, liveness, drift), one
// app's or every app's. `onApp` hears each; the result says why the feed stopped, if it did.
import { useEffect, useRef, useState } from 'preact/hooks';
import { openStream, useStreams } from '../api/stream';
import { APP_STATUS_CHANGED, type AppSummary } from './queries';

export function useAppFeed(appId: string | null, onApp: (app: AppSummary) => void, reloads = 0) {
  const streams = useStreams();
  const latest = useRef(onApp);
  latest.current = onApp;
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setError(null);
    return openStream(streams, APP_STATUS_CHANGED, { appId }, {
      item: ({ appStatusChanged }) => latest.current(appStatusChanged),
      // A LAGGED feed missed changes: the next one brings the app whole, so go on.
      itemError: (e) => {
        if (e.extensions?.code !== 'LAGGED') setError(e.message);
      },
      failed: setError,
      done: () => setError('the server ended the feed'),
    });
  }, [streams, appId, reloads]);

  return error;
}
