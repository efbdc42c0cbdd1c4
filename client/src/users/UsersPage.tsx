// Users (ADMIN): who may sign in, with which role. The list refreshes itself after every
// change, because each mutation returns a User (urql's document cache invalidates on it).
import { useQuery } from '@urql/preact';
import { useSession } from '../session/session';
import { ErrorNote } from '../ui/ErrorNote';
import { CreateUserForm } from './CreateUserForm';
import { LIST_SIZE, USERS } from './queries';
import { UserRow } from './UserRow';

const CONTEXT = { additionalTypenames: ['User'] };

export function UsersPage() {
  const { viewer } = useSession();
  const [{ data, error }] = useQuery({ query: USERS, variables: { first: LIST_SIZE }, context: CONTEXT });

  return (
    <div class="stack">
      <CreateUserForm />
      <ErrorNote error={error} />
      {data && (
        <table class="grid" data-testid="users-table">
          <thead>
            <tr>
              <th>Username</th>
              <th>Role</th>
              <th>Created</th>
              <th>Updated</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {data.users.nodes.map((user) => (
              <UserRow key={user.id} user={user} isViewer={user.id === viewer.id} />
            ))}
          </tbody>
        </table>
      )}
      {data?.users.pageInfo.hasNextPage && <p class="muted">Showing the first {LIST_SIZE} users.</p>}
    </div>
  );
}
