// Servers: every Docker host monitor watches, with the state it last saw (the server
// refreshes it in the background; this page re-reads it every few seconds). Admins add,
// edit and delete servers here.
import { useQuery } from '@urql/preact';
import { roleAllows } from '../api/types';
import { useSession } from '../session/session';
import { ErrorNote } from '../ui/ErrorNote';
import { useInterval } from '../ui/useInterval';
import { CreateServerForm } from './CreateServerForm';
import { LIST_SIZE, SERVERS, SERVERS_CONTEXT } from './queries';
import { COLUMNS, ServerRow } from './ServerRow';
import './servers.css';

const REFRESH_MS = 3000;

export function ServersPage() {
  const { viewer } = useSession();
  const isAdmin = roleAllows(viewer.role, 'ADMIN');
  const [{ data, error }, refresh] = useQuery({
    query: SERVERS,
    variables: { first: LIST_SIZE },
    context: SERVERS_CONTEXT,
    requestPolicy: 'network-only',
  });
  useInterval(() => refresh({ requestPolicy: 'network-only' }), REFRESH_MS);
  const servers = data?.servers.nodes ?? [];

  return (
    <div class="stack">
      {isAdmin && <CreateServerForm />}
      <ErrorNote error={error} />
      {data && (
        <table class="grid servers" data-testid="servers-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Endpoint</th>
              <th>Tags</th>
              <th>State</th>
              <th>Docker</th>
              <th class="num">Running</th>
              <th class="num">CPU</th>
              <th class="num">Memory</th>
              <th>Last check</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {servers.length === 0 && (
              <tr>
                <td colSpan={COLUMNS} class="muted">
                  No servers yet.
                </td>
              </tr>
            )}
            {servers.map((server) => (
              <ServerRow key={server.id} server={server} canEdit={isAdmin} />
            ))}
          </tbody>
        </table>
      )}
      {data?.servers.pageInfo.hasNextPage && <p class="muted">Showing the first {LIST_SIZE} servers.</p>}
    </div>
  );
}
