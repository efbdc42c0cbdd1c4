// A list page's filter in its address (?server=…&status=A,B), so that a number on the
// overview can open the list it counts, already filtered.

export interface ListView<Status extends string> {
  serverId?: string | null;
  statuses?: Status[] | null;
}

export function listPath<Status extends string>(path: string, { serverId, statuses }: ListView<Status>): string {
  const query = new URLSearchParams();
  if (serverId) query.set('server', serverId);
  if (statuses?.length) query.set('status', statuses.join(','));
  const search = query.toString();
  return search ? `${path}?${search}` : path;
}

/** What `query` asks for; statuses not among `known` are left out. */
export function listView<Status extends string>(query: URLSearchParams, known: readonly Status[]): ListView<Status> {
  const statuses = (query.get('status') ?? '')
    .split(',')
    .filter((status): status is Status => (known as readonly string[]).includes(status));
  return { serverId: query.get('server') || undefined, statuses: statuses.length > 0 ? statuses : undefined };
}
