import { useEffect, useMemo, useState } from 'preact/hooks';
import { navigate } from '../../router.ts';
import { type DivisionOfWorkData, describeError, type History as HistoryData, isExpired } from './data.ts';
import { diffLines, hunks } from './diff.ts';
import { Scroll } from './scroll.tsx';
import { formatInstant } from './view.tsx';

/**
 * The version history (what changed, who, when, why) and a line diff between any two versions;
 * the two versions compared are kept in the URL (`?from=1&to=3`), so a diff can be shared.
 */

interface Props {
  data: DivisionOfWorkData;
  query: URLSearchParams;
  onExpired: () => void;
}

function Diff({
  data,
  from,
  to,
  onExpired,
}: {
  data: DivisionOfWorkData;
  from: number;
  to: number;
  onExpired: () => void;
}) {
  const [texts, setTexts] = useState<{ from: number; to: number; old: string; new: string } | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setFailed(null);
    Promise.all([data.versionYaml(from), data.versionYaml(to)])
      .then(([a, b]) => live && setTexts({ from, to, old: a, new: b }))
      .catch((err: unknown) => live && (isExpired(err) ? onExpired() : setFailed(describeError(err))));
    return () => {
      live = false;
    };
  }, [data, from, to, onExpired]);
  const shown = useMemo(() => (texts ? hunks(diffLines(texts.old, texts.new)) : null), [texts]);
  if (failed) return <p role="alert">{failed}</p>;
  if (!texts || !shown || texts.from !== from || texts.to !== to) return <p>Loading the versions…</p>;
  const lines = shown.flat();
  const added = lines.filter((l) => l.kind === 'added').length;
  const removed = lines.filter((l) => l.kind === 'removed').length;
  if (shown.length === 0)
    return (
      <p>
        Version {from} and version {to} are the same.
      </p>
    );
  return (
    <Scroll label="Differences between the versions">
      <table class="dow-diff">
        <caption>
          Version {from} → version {to}: {added} {added === 1 ? 'line' : 'lines'} added, {removed}{' '}
          {removed === 1 ? 'line' : 'lines'} removed
        </caption>
        <thead>
          <tr>
            <th scope="col">v{from}</th>
            <th scope="col">v{to}</th>
            <th scope="col">
              <span class="dow-visually-hidden">Change</span>
            </th>
            <th scope="col">Line</th>
          </tr>
        </thead>
        {shown.map((hunk) => (
          <tbody key={`${hunk[0]!.oldLine}-${hunk[0]!.newLine}`}>
            {hunk.map((l) => (
              <tr key={`${l.oldLine}-${l.newLine}`} class={`dow-diff-${l.kind}`}>
                <td class="dow-lineno">{l.oldLine ?? ''}</td>
                <td class="dow-lineno">{l.newLine ?? ''}</td>
                <td class="dow-marker">
                  {l.kind === 'added' ? (
                    <>
                      <span aria-hidden="true">+</span>
                      <span class="dow-visually-hidden">added</span>
                    </>
                  ) : l.kind === 'removed' ? (
                    <>
                      <span aria-hidden="true">−</span>
                      <span class="dow-visually-hidden">removed</span>
                    </>
                  ) : (
                    ''
                  )}
                </td>
                <td>
                  <code>{l.text}</code>
                </td>
              </tr>
            ))}
          </tbody>
        ))}
      </table>
    </Scroll>
  );
}

export function VersionHistory({ data, query, onExpired }: Props) {
  const [history, setHistory] = useState<HistoryData | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    data
      .history()
      .then((h) => live && setHistory(h))
      .catch((err: unknown) => live && (isExpired(err) ? onExpired() : setFailed(describeError(err))));
    return () => {
      live = false;
    };
  }, [data, onExpired]);
  if (failed) return <p role="alert">{failed}</p>;
  if (!history) return <p>Loading the history…</p>;

  const versions = history.items.map((v) => v.version);
  const pick = (name: string, fallback: number) => {
    const n = Number(query.get(name));
    return versions.includes(n) ? n : fallback;
  };
  const to = pick('to', history.current);
  const from = pick('from', Math.max(1, to - 1));
  const choose = (name: 'from' | 'to', value: string) => {
    const next = new URLSearchParams(query);
    next.set(name, value);
    if (!next.has(name === 'from' ? 'to' : 'from'))
      next.set(name === 'from' ? 'to' : 'from', String(name === 'from' ? to : from));
    navigate(`/division-of-work/versions?${next}`, { replace: true });
  };

  return (
    <>
      <section class="card" aria-labelledby="dow-history-title">
        <h2 id="dow-history-title">Versions</h2>
        <Scroll label="Versions">
          <table class="dow-table">
            <caption class="dow-visually-hidden">Every version, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">In force since</th>
                <th scope="col">Published by</th>
                <th scope="col">What changed</th>
                <th scope="col">Note</th>
              </tr>
            </thead>
            <tbody>
              {history.items.map((v) => (
                <tr key={v.version}>
                  <th scope="row">
                    v{v.version}
                    {v.version === history.current ? <div class="dow-muted">current</div> : null}
                  </th>
                  <td>{formatInstant(v.effectiveFrom)}</td>
                  <td>
                    {v.changedBy ?? 'seeded'}
                    {v.changedAt ? <div class="dow-muted">{formatInstant(v.changedAt)}</div> : null}
                  </td>
                  <td>
                    {v.summary.length ? (
                      <ul class="dow-reasons">
                        {v.summary.map((s) => (
                          <li key={s}>{s}</li>
                        ))}
                      </ul>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>{v.note ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      </section>

      <section class="card" aria-labelledby="dow-diff-title">
        <h2 id="dow-diff-title">Compare two versions</h2>
        <div class="dow-inline-form">
          <VersionSelect
            id="dow-diff-from"
            label="Compare version"
            versions={versions}
            value={from}
            onChange={(v) => choose('from', v)}
          />
          <VersionSelect
            id="dow-diff-to"
            label="with version"
            versions={versions}
            value={to}
            onChange={(v) => choose('to', v)}
          />
        </div>
        {versions.length < 2 ? (
          <p>There is only one version so far.</p>
        ) : (
          <Diff data={data} from={from} to={to} onExpired={onExpired} />
        )}
      </section>
    </>
  );
}

/** One of the two versions a diff compares. */
function VersionSelect(props: {
  id: string;
  label: string;
  versions: readonly number[];
  value: number;
  onChange: (value: string) => void;
}) {
  return (
    <div>
      <label for={props.id}>{props.label}</label>
      <select
        id={props.id}
        value={String(props.value)}
        onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}
      >
        {props.versions.map((v) => (
          <option key={v} value={String(v)}>
            v{v}
          </option>
        ))}
      </select>
    </div>
  );
}
