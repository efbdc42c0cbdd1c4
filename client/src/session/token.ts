// Where the session token lives: localStorage, shared by the SPA and the GraphiQL page.
const KEY = 'monitor.token';

export function readToken(): string | null {
  return localStorage.getItem(KEY);
}

export function storeToken(token: string | null): void {
  if (token) localStorage.setItem(KEY, token);
  else localStorage.removeItem(KEY);
}

export function bearer(token: string): string {
  return `Bearer ${token}`;
}

/** Calls `listener` when another tab signs in or out. */
export function onTokenChange(listener: () => void): () => void {
  const handler = (event: StorageEvent) => {
    if (event.key === KEY) listener();
  };
  window.addEventListener('storage', handler);
  return () => window.removeEventListener('storage', handler);
}
