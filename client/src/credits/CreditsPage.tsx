// Credits: a balance and the ledger that adds up to it. Everyone sees their own; an admin
// picks whose (?user=…) and grants credits. Measurements and probes move credits in the
// background: the page reads them again as the creditsChanged feed tells it they moved.
import { useQuery } from '@urql/preact';
import { roleAllows } from '../api/types';
import { navigate, useLocation } from '../router';
import { useSession } from '../session/session';
import { ErrorNote } from '../ui/ErrorNote';
import { LiveMark } from '../ui/LiveMark';
import { LIST_SIZE as USER_LIST_SIZE, USERS } from '../users/queries';
import { GrantCreditsForm } from './GrantCreditsForm';
import { LedgerTable } from './LedgerTable';
import { CREDITS, CREDITS_CONTEXT, LEDGER_SIZE } from './queries';
import { useCreditsFeed } from './useCreditsFeed';
import './credits.css';

export function CreditsPage() {
  const { viewer } = useSession();
  const isAdmin = roleAllows(viewer.role, 'ADMIN');
  const { query } = useLocation();
  const userId = (isAdmin && query.get('user')) || viewer.id;
  const [{ data, error }, refresh] = useQuery({
    query: CREDITS,
    variables: { userId, first: LEDGER_SIZE },
    context: CREDITS_CONTEXT,
  });
  const reread = () => refresh({ requestPolicy: 'network-only' });
  const live = useCreditsFeed(userId, reread);
  const [users] = useQuery({ query: USERS, variables: { first: USER_LIST_SIZE }, pause: !isAdmin });
  const username = users.data?.users.nodes.find((u) => u.id === userId)?.username ?? viewer.username;

  return (
    <div class="stack">
      {isAdmin && users.data && (
        <label class="inline">
          Whose credits
          <select
            value={userId}
            onChange={(e) => navigate(`/credits?user=${encodeURIComponent(e.currentTarget.value)}`, { replace: true })}
            data-testid="credits-user"
          >
            {users.data.users.nodes.map((user) => (
              <option key={user.id} value={user.id}>
                {user.username}
              </option>
            ))}
          </select>
        </label>
      )}
      <ErrorNote error={error} />
      {data && (
        <>
          <div class="card credits-balance">
            <span class="muted">Balance</span>
            <span class="mono balance" data-testid="credits-balance">
              {data.credits.balance}
            </span>
            <span class="muted">credits</span>
            <LiveMark
              error={live.liveError}
              onReload={() => {
                reread();
                live.restart();
              }}
              testid="credits-live"
            />
          </div>
          <LedgerTable entries={data.creditLedger.nodes} />
          {data.creditLedger.pageInfo.hasNextPage && <p class="muted">Showing the latest {LEDGER_SIZE} movements.</p>}
        </>
      )}
      {isAdmin && <GrantCreditsForm userId={userId} username={username} />}
    </div>
  );
}
