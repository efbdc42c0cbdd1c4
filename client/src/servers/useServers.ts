// Every server with what monitor last saw of it, read again every few seconds: servers'
// state is checked in the background and has no feed.
import { useQuery } from '@urql/preact';
import { useInterval } from '../ui/useInterval';
import { LIST_SIZE, SERVERS, SERVERS_CONTEXT } from './queries';

const REFRESH_MS = 3000;

export function useServers() {
  const [{ data, error }, refresh] = useQuery({
    query: SERVERS,
    variables: { first: LIST_SIZE },
    context: SERVERS_CONTEXT,
    requestPolicy: 'network-only',
  });
  useInterval(() => refresh({ requestPolicy: 'network-only' }), REFRESH_MS);
  return { servers: data?.servers.nodes, more: !!data?.servers.pageInfo.hasNextPage, error };
}
