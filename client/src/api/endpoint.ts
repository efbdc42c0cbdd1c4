// Where the GraphQL API is: the same origin that served the page.
export const GRAPHQL_PATH = '/graphql';

export function websocketUrl(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${window.location.host}${GRAPHQL_PATH}`;
}
