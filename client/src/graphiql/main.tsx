/** @jsxImportSource react */
// The GraphiQL page (/graphiql), bundled with its assets so it works offline. The token is
// pasted here or reused from the SPA's session; HTTP requests send it as a Bearer header,
// subscriptions (graphql-ws) as the connection_init payload.
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/graphiql.css';
import { createClient } from 'graphql-ws';
import { StrictMode, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { GRAPHQL_PATH, websocketUrl } from '../api/endpoint';
import { bearer, readToken } from '../session/token';
import './graphiql.css';

const DEFAULT_QUERY = `# monitor's GraphQL API. Every field but health and login needs a token (above).
query Overview {
  health {
    status
    components { name status message }
  }
  viewer { username role }
}
`;

function useFetcher(token: string) {
  const { fetcher, dispose } = useMemo(() => {
    const authorization: Record<string, string> = token ? { Authorization: bearer(token) } : {};
    const wsClient = createClient({ url: websocketUrl(), connectionParams: authorization, lazy: true });
    return {
      fetcher: createGraphiQLFetcher({
        url: GRAPHQL_PATH,
        headers: authorization,
        wsClient,
        enableIncrementalDelivery: false,
      }),
      dispose: () => void wsClient.dispose(),
    };
  }, [token]);
  useEffect(() => dispose, [dispose]);
  return fetcher;
}

function Playground() {
  const [token, setToken] = useState(() => readToken() ?? '');
  const [draft, setDraft] = useState(token);
  const fetcher = useFetcher(token);
  // A query can be handed over in the URL: /graphiql?query=...
  const [linkedQuery] = useState(() => new URLSearchParams(window.location.search).get('query') ?? undefined);

  const reuseSession = () => {
    const session = readToken() ?? '';
    setDraft(session);
    setToken(session);
  };

  return (
    <div className="page">
      <form
        className="token-bar"
        onSubmit={(e) => {
          e.preventDefault();
          setToken(draft.trim());
        }}
      >
        <a className="brand" href="/">
          monitor
        </a>
        <label>
          Token
          <input
            type="password"
            value={draft}
            placeholder="paste an API token"
            autoComplete="off"
            onChange={(e) => setDraft(e.target.value)}
            data-testid="graphiql-token"
          />
        </label>
        <button type="submit" data-testid="graphiql-use-token">
          Use token
        </button>
        <button type="button" onClick={reuseSession} data-testid="graphiql-use-session">
          Use my session
        </button>
        <span className="state" data-testid="graphiql-token-state">
          {token ? 'token set' : 'no token: only health and login answer'}
        </span>
      </form>
      <div className="host">
        <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} query={linkedQuery} />
      </div>
    </div>
  );
}

createRoot(document.getElementById('graphiql')!).render(
  <StrictMode>
    <Playground />
  </StrictMode>,
);
