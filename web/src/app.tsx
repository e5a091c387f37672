import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createApi } from './api.ts';
import { type Auth, createAuth, type Session } from './auth.ts';
import { loadConfig, type WebConfig } from './config.ts';
import { Landing } from './pages/landing.tsx';
import { Portal } from './pages/portal.tsx';
import { PulsePage, pulseLinkOf } from './pages/pulse.tsx';
import { RatePage, ratingLinkOf } from './pages/rate.tsx';
import { Staff } from './pages/staff.tsx';

type State =
  | { kind: 'loading' }
  | { kind: 'signed-out'; message?: string }
  | { kind: 'signed-in'; session: Session }
  | { kind: 'broken'; message: string };

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** A resolution mail's rating link needs no sign-in: its token authorises the one rating. */
export function App() {
  const rating = useMemo(() => ratingLinkOf(window.location.pathname), []);
  const pulse = useMemo(() => pulseLinkOf(window.location.pathname), []);
  if (pulse) return <PulsePage token={pulse} />;
  return rating ? <RatePage token={rating.token} rating={rating.rating} /> : <SignedInApp />;
}

/** Reads the sign-in state once, completes a sign-in on the callback path, then shows a page. */
function SignedInApp() {
  const [auth, setAuth] = useState<Auth | null>(null);
  const [state, setState] = useState<State>({ kind: 'loading' });

  useEffect(() => {
    let config: WebConfig;
    void (async () => {
      try {
        config = await loadConfig();
      } catch (err) {
        setState({ kind: 'broken', message: describe(err) });
        return;
      }
      const a = createAuth(config);
      setAuth(a);
      if (window.location.pathname === config.redirectPath) {
        try {
          setState({ kind: 'signed-in', session: await a.completeSignIn() });
        } catch (err) {
          window.history.replaceState(null, '', '/');
          setState({ kind: 'signed-out', message: `Sign-in did not complete: ${describe(err)}` });
        }
        return;
      }
      const session = await a.session();
      setState(session ? { kind: 'signed-in', session } : { kind: 'signed-out' });
    })();
  }, []);

  const signIn = useCallback(() => void auth?.signIn(), [auth]);
  const signOut = useCallback(() => void auth?.signOut(), [auth]);
  const expired = useCallback(
    () => setState({ kind: 'signed-out', message: 'Your session has ended. Sign in again.' }),
    [],
  );
  const session = state.kind === 'signed-in' ? state.session : null;
  // The API client outlives token renewals (pages keep their state); it reads the newest token.
  const token = useRef('');
  if (session) token.current = session.accessToken;
  const tenant = session?.tenant;
  const api = useMemo(() => (tenant ? createApi(tenant, () => token.current) : null), [tenant]);
  useEffect(
    () =>
      auth?.follow({
        renewed: (s) => {
          token.current = s.accessToken;
        },
        ended: expired,
      }),
    [auth, expired],
  );

  switch (state.kind) {
    case 'loading':
      return (
        <main id="main">
          <p>Loading…</p>
        </main>
      );
    case 'broken':
      return (
        <main id="main">
          <h1>IT help</h1>
          <p role="alert">The page could not start: {state.message}</p>
        </main>
      );
    case 'signed-out':
      return <Landing onSignIn={signIn} message={state.message} />;
    case 'signed-in':
      if (state.session.role === 'requester' && api) {
        return <Portal session={state.session} api={api} onSignOut={signOut} onExpired={expired} />;
      }
      return api ? <Staff session={state.session} api={api} onSignOut={signOut} onExpired={expired} /> : null;
  }
}
