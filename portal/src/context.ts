/** What every screen reads: the texts, the API, the partner, and how to move between screens. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Client, Invitation, Partner, Role } from '../../src/client';
import type { Catalogue } from './i18n/en';
import type { Lang } from './i18n';

export interface Session {
  t: Catalogue;
  lang: Lang;
  api: Client;
  partner: Partner;
  /** The service sends email (GET /api/health says `email: configured`). */
  emailConfigured: boolean;
  /** The delegated admin roles a partner may ask for (GET /api/roles). */
  roles: Role[];
  navigate: (hash: string) => void;
  /** A message shown on the next screen (role=status), e.g. after a removal. */
  notice: string | undefined;
  setNotice: (text: string | undefined) => void;
  /** The invitation just created, so that its review needs no second request. */
  lastInvitation: { current: Invitation | undefined };
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside the signed-in portal');
  return s;
}
