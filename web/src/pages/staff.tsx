import type { Session } from '../auth.ts';
import { Layout } from './layout.tsx';

const ROLE_NAMES = { partner: 'MSP dispatch', internal: 'internal IT', leadership: 'leadership' } as const;

/** Signed in with a staff role: their pages come with the console and the dashboard. */
export function Staff(props: { session: Session; onSignOut: () => void }) {
  const { session } = props;
  const role = session.role === 'requester' ? 'requester' : ROLE_NAMES[session.role];
  return (
    <Layout who={session.email} onSignOut={props.onSignOut}>
      <h1>Signed in</h1>
      <p>
        You are signed in to {session.tenant} as {role}. The staff console and the leadership dashboard are
        not part of this web app yet; the same API they will use is described at{' '}
        <a href="/openapi.json">/openapi.json</a>.
      </p>
    </Layout>
  );
}
