import { type User, UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { WebConfig } from './config.ts';

export type Role = 'requester' | 'partner' | 'internal' | 'leadership';
const ROLES: readonly string[] = ['requester', 'partner', 'internal', 'leadership'];

/** Who is signed in, from the ID token; the access token goes to the API only. */
export interface Session {
  email: string;
  tenant: string;
  role: Role;
  accessToken: string;
}

export interface Auth {
  /** The current session, or null (none yet, or expired). */
  session(): Promise<Session | null>;
  /** Leaves the page for the provider's sign-in (authorization code + PKCE). */
  signIn(): Promise<void>;
  /** On the callback page: trades the code for tokens; the code leaves the address bar. */
  completeSignIn(): Promise<Session>;
  signOut(): Promise<void>;
  /**
   * Follows the session: `renewed` with each new access token (renewed with the refresh token
   * shortly before the old one expires), `ended` when renewal failed (signed out elsewhere, the
   * refresh token expired). Returns the unsubscribe function.
   */
  follow(handlers: { renewed: (session: Session) => void; ended: () => void }): () => void;
}

function sessionOf(user: User | null): Session | null {
  if (!user || user.expired) return null;
  const { email, tenant, role } = user.profile as Record<string, unknown>;
  if (typeof email !== 'string' || typeof tenant !== 'string' || typeof role !== 'string') return null;
  if (!ROLES.includes(role)) return null;
  return { email, tenant, role: role as Role, accessToken: user.access_token };
}

/**
 * Sign-in with oidc-client-ts. Tokens stay in this tab's sessionStorage (gone when the tab
 * closes), never in a URL or a log. The access token is renewed before it expires with the
 * refresh token (a POST to the token endpoint; never a hidden iframe, which the CSP forbids);
 * when that fails, the person signs in again.
 */
export function createAuth(config: WebConfig): Auth {
  const origin = window.location.origin;
  const manager = new UserManager({
    authority: config.authority,
    client_id: config.clientId,
    redirect_uri: `${origin}${config.redirectPath}`,
    post_logout_redirect_uri: `${origin}/`,
    response_type: 'code',
    scope: config.scope,
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
    automaticSilentRenew: true,
    monitorSession: false,
    loadUserInfo: false,
  });
  return {
    session: async () => sessionOf(await manager.getUser()),
    signIn: () => manager.signinRedirect(),
    async completeSignIn() {
      const user = await manager.signinRedirectCallback();
      window.history.replaceState(null, '', '/');
      const session = sessionOf(user);
      if (!session) throw new Error('Your account has no role in any tenant here.');
      return session;
    },
    follow({ renewed, ended }) {
      const loaded = (user: User) => {
        const session = sessionOf(user);
        if (session) renewed(session);
      };
      const failed = () => {
        void manager.removeUser();
        ended();
      };
      manager.events.addUserLoaded(loaded);
      manager.events.addSilentRenewError(failed);
      return () => {
        manager.events.removeUserLoaded(loaded);
        manager.events.removeSilentRenewError(failed);
      };
    },
    async signOut() {
      const user = await manager.getUser();
      await manager.removeUser();
      try {
        await manager.signoutRedirect(user?.id_token ? { id_token_hint: user.id_token } : {});
      } catch {
        // An issuer without an end-session endpoint (Cognito): forgetting the tokens is signing out.
        window.location.assign('/');
      }
    },
  };
}
