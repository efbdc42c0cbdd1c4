// The servers other pages pick from or name by id (containers, commands, operations).
import { useQuery } from '@urql/preact';
import { useMemo } from 'preact/hooks';
import { LIST_SIZE, SERVER_CHOICES, SERVERS_CONTEXT, type ServerChoice } from './queries';

export function useServerChoices(): {
  servers: ServerChoice[];
  /** Id → name of each listed server. */
  names: Map<string, string>;
  nameOf: (id: string) => string;
} {
  const [{ data }] = useQuery({ query: SERVER_CHOICES, variables: { first: LIST_SIZE }, context: SERVERS_CONTEXT });
  return useMemo(() => {
    const servers = data?.servers.nodes ?? [];
    const names = new Map(servers.map((server) => [server.id, server.name]));
    // A deleted server's id still shows in old operations.
    return { servers, names, nameOf: (id: string) => names.get(id) ?? id };
  }, [data]);
}
