// A running container's last minute of stats, live from containerStats: each sample with
// the network rates worked out from the totals of the one before.
import { useEffect, useState } from 'preact/hooks';
import { openStream, useStreams } from '../api/stream';
import { CONTAINER_STATS, type StatsSample } from './queries';

/** Samples kept: about a minute at the engine's one a second. */
export const WINDOW = 60;

export interface Point extends StatsSample {
  /** Bytes a second since the previous sample; null on the first or without networking. */
  receivedPerSecond: number | null;
  sentPerSecond: number | null;
}

export type StatsState = 'waiting' | 'live' | 'ended' | 'failed';

function rate(now: number | null, before: number | null, seconds: number): number | null {
  if (now === null || before === null || seconds <= 0 || now < before) return null;
  return (now - before) / seconds;
}

export function useContainerStats(serverId: string, containerId: string, running: boolean) {
  const streams = useStreams();
  const [points, setPoints] = useState<Point[]>([]);
  const [state, setState] = useState<StatsState>('waiting');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setPoints([]);
    setError(null);
    if (!running) {
      setState('ended');
      return undefined;
    }
    setState('waiting');
    return openStream(streams, CONTAINER_STATS, { serverId, containerId }, {
      item: ({ containerStats: sample }) => {
        setState('live');
        setPoints((previous) => {
          const last = previous[previous.length - 1];
          const seconds = last ? (Date.parse(sample.readAt) - Date.parse(last.readAt)) / 1000 : 0;
          const point: Point = {
            ...sample,
            receivedPerSecond: last ? rate(sample.networkReceivedBytes, last.networkReceivedBytes, seconds) : null,
            sentPerSecond: last ? rate(sample.networkSentBytes, last.networkSentBytes, seconds) : null,
          };
          return [...previous.slice(-(WINDOW - 1)), point];
        });
      },
      itemError: (e) => {
        if (e.extensions?.code !== 'LAGGED') {
          setState('failed');
          setError(e.message);
        }
      },
      failed: (message) => {
        setState('failed');
        setError(message);
      },
      done: () => setState((current) => (current === 'failed' ? current : 'ended')),
    });
  }, [streams, serverId, containerId, running]);

  return { points, state, error };
}
