// Servers: every Docker host monitor watches, with the state it last saw (the server
// refreshes it in the background; this page re-reads it every few seconds). Admins add,
// edit and delete servers here.
import { roleAllows } from '../api/types';
import { useSession } from '../session/session';
import { ErrorNote } from '../ui/ErrorNote';
import { CreateServerForm } from './CreateServerForm';
import { COLUMNS, ServerRow } from './ServerRow';
import { LIST_SIZE } from './queries';
import { useServers } from './useServers';
import './servers.css';

export function ServersPage() {
  const { viewer } = useSession();
  const isAdmin = roleAllows(viewer.role, 'ADMIN');
  const { servers, more, error } = useServers();

  return (
    <div class="stack">
      {isAdmin && <CreateServerForm />}
      <ErrorNote error={error} />
      {servers && (
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
      {more && <p class="muted">Showing the first {LIST_SIZE} servers.</p>}
    </div>
  );
}
