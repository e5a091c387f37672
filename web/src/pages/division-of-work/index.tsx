import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { Api } from '../../api.ts';
import type { Session } from '../../auth.ts';
import type { Location } from '../../router.ts';
import { navigate } from '../../router.ts';
import { type Document, describeError, divisionOfWorkData, isExpired, type VersionInfo } from './data.ts';
import { Editor } from './editor.tsx';
import { VersionHistory } from './history.tsx';
import { DocumentView } from './view.tsx';

/**
 * The division of work (`/division-of-work` and under it): the current version, readable; the
 * editor with what-if (internal IT only: the API refuses anyone else's PUT); the history with a
 * diff between any two versions. Leadership reads.
 */

/** The staff frame's page props (declared here, not imported, so the frame and the page do not import each other). */
export interface DivisionOfWorkPageProps {
  session: Session;
  api: Api;
  location: Location;
  onExpired: () => void;
}

type Tab = 'current' | 'edit' | 'versions';

const TABS: { tab: Tab; path: string; label: string; editorsOnly?: boolean }[] = [
  { tab: 'current', path: '/division-of-work', label: 'Current version' },
  { tab: 'edit', path: '/division-of-work/edit', label: 'Edit', editorsOnly: true },
  { tab: 'versions', path: '/division-of-work/versions', label: 'History' },
];

function tabOf(path: string): Tab {
  if (path.startsWith('/division-of-work/edit')) return 'edit';
  if (path.startsWith('/division-of-work/versions')) return 'versions';
  return 'current';
}

export function DivisionOfWorkPage({ session, api, location, onExpired }: DivisionOfWorkPageProps) {
  const data = useMemo(() => divisionOfWorkData(session, api), [session, api]);
  const canEdit = session.role === 'internal';
  const tab = tabOf(location.path);
  const [current, setCurrent] = useState<{ doc: Document; yaml: string } | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [published, setPublished] = useState<VersionInfo | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    Promise.all([data.current(), data.currentYaml()])
      .then(([doc, yaml]) => live && setCurrent({ doc, yaml }))
      .catch((err: unknown) => live && (isExpired(err) ? onExpired() : setFailed(describeError(err))));
    return () => {
      live = false;
    };
  }, [data, reload, onExpired]);

  const onPublished = useCallback((version: VersionInfo) => {
    setPublished(version);
    setCurrent(null);
    setReload((n) => n + 1);
    navigate('/division-of-work/versions');
  }, []);

  return (
    <div class="dow">
      <h1>Division of work</h1>
      <nav aria-label="Division of work" class="dow-tabs">
        <ul>
          {TABS.filter((t) => canEdit || !t.editorsOnly).map((t) => (
            <li key={t.tab}>
              <a href={t.path} aria-current={t.tab === tab ? 'page' : undefined}>
                {t.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {canEdit ? null : (
        <p class="dow-muted">You can read the division of work and its history; internal IT edits it.</p>
      )}
      <div role="status" class="dow-published">
        {published ? (
          <p>
            Version {published.version} published: it applies from the next ticket on.
            {published.note ? ` Note: ${published.note}` : ''}
          </p>
        ) : null}
      </div>
      {failed ? (
        <p role="alert">{failed}</p>
      ) : tab === 'versions' ? (
        <VersionHistory key={reload} data={data} query={location.query} onExpired={onExpired} />
      ) : !current ? (
        <p>Loading…</p>
      ) : tab === 'edit' ? (
        canEdit ? (
          <Editor
            key={current.doc.version}
            tenant={session.tenant}
            data={data}
            base={{ version: current.doc.version, yaml: current.yaml }}
            onPublished={onPublished}
            onExpired={onExpired}
          />
        ) : (
          <p role="alert">
            Only internal IT edits the division of work. You can read it under Current version.
          </p>
        )
      ) : (
        <DocumentView doc={current.doc} yaml={current.yaml} />
      )}
    </div>
  );
}
