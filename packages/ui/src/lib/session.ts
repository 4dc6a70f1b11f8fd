import { createContext, useContext } from 'react';
import type { AuthStatus, Me } from '../api/types';

export interface Session {
  status: AuthStatus;
  /** null with authentication off. */
  me: Me | null;
}

export const SessionContext = createContext<Session>({
  status: { authEnabled: false, setupRequired: false, signupAllowed: false },
  me: null,
});

export function useSession(): Session {
  return useContext(SessionContext);
}

/** Whether the signed-in user may manage members and keys (always with auth off). */
export function canAdmin(session: Session): boolean {
  if (!session.status.authEnabled) return true;
  return session.me?.role === 'admin' || session.me?.role === 'owner';
}
