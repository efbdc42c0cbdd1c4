// The signed-in session as pages see it: who the viewer is, and how to sign out.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { User } from '../api/types';

export interface Session {
  viewer: User;
  signOut(): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in session');
  return session;
}
