// Root of the SPA: keeps the session token, gives every page an API client bound to it,
// and routes: /login when signed out, the page registry (pages.ts) when signed in.
import { Provider, gql, useQuery } from '@urql/preact';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { createApiClient } from '../api/client';
import { StreamsContext } from '../api/stream';
import { type User, roleAllows } from '../api/types';
import { Redirect, useLocation } from '../router';
import { LoginPage } from '../session/LoginPage';
import { SessionContext } from '../session/session';
import { onTokenChange, readToken, storeToken } from '../session/token';
import { ErrorNote } from '../ui/ErrorNote';
import { Layout } from './Layout';
import { HOME, findPage } from './pages';

export function App() {
  const [token, setToken] = useState(readToken);
  const signIn = useCallback((next: string) => {
    storeToken(next);
    setToken(next);
  }, []);
  const signOut = useCallback(() => {
    storeToken(null);
    setToken(null);
  }, []);
  useEffect(() => onTokenChange(() => setToken(readToken())), []);

  const api = useMemo(() => createApiClient(token, signOut), [token, signOut]);
  useEffect(() => api.dispose, [api]);

  return (
    <Provider value={api.client}>
      <StreamsContext.Provider value={api.streams}>
        {token ? <SignedIn signOut={signOut} /> : <SignedOut onSignIn={signIn} />}
      </StreamsContext.Provider>
    </Provider>
  );
}

function SignedOut({ onSignIn }: { onSignIn: (token: string) => void }) {
  const { path } = useLocation();
  if (path !== '/login') {
    const back = window.location.pathname + window.location.search;
    return <Redirect to={`/login?next=${encodeURIComponent(back)}`} />;
  }
  return <LoginPage onSignIn={onSignIn} />;
}

const VIEWER = gql<{ viewer: User }>`
  query Viewer {
    viewer {
      id
      username
      role
    }
  }
`;

function SignedIn({ signOut }: { signOut: () => void }) {
  const { path, query } = useLocation();
  const [{ data, error }] = useQuery({ query: VIEWER });
  const session = useMemo(() => data && { viewer: data.viewer, signOut }, [data, signOut]);

  if (path === '/login') return <Redirect to={safeNext(query.get('next'))} />;
  if (path === '/') return <Redirect to={HOME} />;
  if (!session) {
    return (
      <div class="centered">
        {error ? <ErrorNote error={error} /> : <p class="muted">Loading…</p>}
        {error && (
          <button type="button" onClick={signOut}>
            Log out
          </button>
        )}
      </div>
    );
  }

  const page = findPage(path);
  const allowed = page && (!page.role || roleAllows(session.viewer.role, page.role));
  return (
    <SessionContext.Provider value={session}>
      <Layout title={page?.title ?? 'Not found'} path={path}>
        {!page && <p data-testid="not-found">No page at {path}.</p>}
        {page && !allowed && <ErrorNote message={`${page.title} needs the ${page.role} role.`} />}
        {page && allowed && <page.component />}
      </Layout>
    </SessionContext.Provider>
  );
}

/** Only same-site paths, so a crafted ?next= cannot send the user elsewhere. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : HOME;
}
