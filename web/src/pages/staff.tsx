import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Api } from '../api.ts';
import type { Role, Session } from '../auth.ts';
import { navigate, onLinkClick, useLocation } from '../router.ts';
import { Layout } from './layout.tsx';
import type { StaffPageProps } from './staff-page.ts';

export type { StaffPageProps } from './staff-page.ts';

type StaffRole = Exclude<Role, 'requester'>;

interface Section {
  /** The first path segment the section owns, e.g. `/tickets` for `/tickets/123`. */
  path: string;
  label: string;
  roles: readonly StaffRole[];
  /** Loaded on first visit, so each section's code (charts, the editor) stays out of the others' load. */
  load: () => Promise<ComponentType<StaffPageProps>>;
}

const SECTIONS: readonly Section[] = [
  {
    path: '/tickets',
    label: 'Tickets',
    roles: ['internal', 'partner'],
    load: async () => (await import('./console/index.tsx')).TicketsPage,
  },
  {
    path: '/quarantine',
    label: 'Mail quarantine',
    roles: ['internal'],
    load: async () => (await import('./console/index.tsx')).QuarantinePage,
  },
  {
    path: '/division-of-work',
    label: 'Division of work',
    roles: ['internal', 'leadership'],
    load: async () => (await import('./division-of-work/index.tsx')).DivisionOfWorkPage,
  },
  {
    path: '/dashboard',
    label: 'Dashboard',
    roles: ['leadership', 'internal', 'partner'],
    load: async () => (await import('./dashboard/index.tsx')).DashboardPage,
  },
  {
    // Not `/pulse`: `/pulse/{token}` is the invitation mail's link, answered without sign-in.
    path: '/team-pulse',
    label: 'Team pulse',
    roles: ['internal'],
    load: async () => (await import('./team-pulse.tsx')).TeamPulsePage,
  },
];

const ROLE_NAMES: Record<StaffRole, string> = {
  partner: 'MSP partner',
  internal: 'internal IT',
  leadership: 'leadership',
};

const owns = (section: Section, path: string) => path === section.path || path.startsWith(`${section.path}/`);

/** Where a role lands after sign-in. */
function home(role: StaffRole): string {
  return role === 'leadership' ? '/dashboard' : '/tickets';
}

/** The staff app: a navigation bar of the sections the role may open, and the open section. */
export function Staff(props: { session: Session; api: Api; onSignOut: () => void; onExpired: () => void }) {
  const { session } = props;
  const role = session.role as StaffRole;
  const location = useLocation();
  const sections = SECTIONS.filter((s) => s.roles.includes(role));
  const section = sections.find((s) => owns(s, location.path));
  const [loaded, setLoaded] = useState<{ path: string; Page: ComponentType<StaffPageProps> } | null>(null);
  const [failed, setFailed] = useState<string | null>(null);

  // Plain anchors with real hrefs; one delegated listener turns a plain click into in-app navigation.
  useEffect(() => {
    document.addEventListener('click', onLinkClick);
    return () => document.removeEventListener('click', onLinkClick);
  }, []);

  useEffect(() => {
    if (!section) {
      navigate(home(role), { replace: true });
      return;
    }
    if (loaded?.path === section.path) return;
    let live = true;
    setFailed(null);
    section
      .load()
      .then((Page) => live && setLoaded({ path: section.path, Page }))
      .catch(() => live && setFailed('This page could not be loaded. Check your connection and reload.'));
    return () => {
      live = false;
    };
  }, [section, role, loaded]);

  const Page = loaded && section && loaded.path === section.path ? loaded.Page : null;
  return (
    <Layout who={`${session.email} (${ROLE_NAMES[role]})`} onSignOut={props.onSignOut}>
      <div class="staff">
        <nav aria-label="Sections" class="sections">
          <ul>
            {sections.map((s) => (
              <li key={s.path}>
                <a href={s.path} aria-current={section === s ? 'page' : undefined}>
                  {s.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="page">
          {failed ? (
            <p role="alert">{failed}</p>
          ) : Page ? (
            <Page session={session} api={props.api} location={location} onExpired={props.onExpired} />
          ) : (
            <p>Loading…</p>
          )}
        </div>
      </div>
    </Layout>
  );
}
