// Builds the urql client for one session: HTTP with the Bearer token, subscriptions over
// graphql-ws (graphql-transport-ws), and a hook that ends the session on UNAUTHENTICATED.
import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange } from '@urql/core';
import { CloseCode, type Client as WsClient, createClient as createWsClient } from 'graphql-ws';
import { bearer } from '../session/token';
import { GRAPHQL_PATH, websocketUrl } from './endpoint';
import { hasCode } from './errors';

export interface ApiClient {
  client: Client;
  /** The same socket, for subscriptions read as streams of items (see stream.ts). */
  streams: WsClient;
  dispose(): void;
}

export function createApiClient(token: string | null, onUnauthenticated: () => void): ApiClient {
  const authorization: Record<string, string> = token ? { Authorization: bearer(token) } : {};
  const ws = createWsClient({
    url: websocketUrl(),
    connectionParams: authorization,
    lazy: true,
    // Changing the audit filter swaps subscriptions: keep the socket through that.
    lazyCloseTimeout: 5_000,
    // Live views stay open for hours: keep reconnecting (with graphql-ws's backoff).
    retryAttempts: Infinity,
    on: {
      closed: (event) => {
        if (!token) return;
        const code = (event as CloseEvent).code;
        // 4401: the token stopped working while the socket was open (revoked, expired,
        // the password changed, the user removed).
        if (code === CloseCode.Unauthorized) onUnauthenticated();
        // 4403: a connection_init refused (a bad token) or a role lowered since; graphql-ws
        // reconnects, and one HTTP request tells which (UNAUTHENTICATED ends the session).
        if (code === CloseCode.Forbidden) void client.query('{ viewer { id } }', {}).toPromise();
      },
    },
  });
  const client = new Client({
    url: GRAPHQL_PATH,
    requestPolicy: 'cache-and-network',
    // The contract is POST /graphql; urql would otherwise send short queries as GET.
    preferGetMethod: false,
    fetchOptions: { headers: authorization },
    exchanges: [
      mapExchange({
        onError(error) {
          if (token && hasCode(error, 'UNAUTHENTICATED')) onUnauthenticated();
        },
      }),
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const operation = { ...request, query: request.query ?? '' };
          return {
            subscribe: (sink) => ({ unsubscribe: ws.subscribe(operation, sink) }),
          };
        },
      }),
    ],
  });
  return { client, streams: ws, dispose: () => void ws.dispose() };
}
