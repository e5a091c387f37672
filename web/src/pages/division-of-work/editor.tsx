import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { YamlEditor } from './codemirror.ts';
import {
  type DivisionOfWorkData,
  DraftError,
  describeError,
  type Issue,
  isExpired,
  type SimulationReport,
  type Validation,
  type VersionInfo,
} from './data.ts';
import { WhatIfReport } from './what-if.tsx';
import { lineOf, scanYaml } from './yaml-paths.ts';

/**
 * The editor: the current version as YAML, checked as you type (the validate route, debounced),
 * each problem named by its path and marked at its line; a what-if of the draft against a month;
 * saving shows what changes and asks for a note.
 */

const VALIDATE_AFTER_MS = 400;

/** The month before the current one, `YYYY-MM` (the what-if's default). */
export function lastMonth(now = new Date()): string {
  const d = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

/** The line of a problem: its path's line, or the line a YAML syntax error names. */
function problemLine(text: string, issue: Issue, info = scanYaml(text)): number | null {
  const syntax = /line (\d+)/.exec(issue.message);
  if (!issue.path && syntax) return Number(syntax[1]) - 1;
  return lineOf(info, issue.path);
}

/**
 * The draft survives leaving the editor (the readable page, the history, a reload) in this tab's
 * sessionStorage, per tenant and base version: a draft of an older version is not offered on a newer one.
 */
const draftKey = (tenant: string, version: number) => `psa:dow-draft:${tenant}:v${version}`;

function savedDraft(key: string): string | null {
  try {
    return window.sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

function keepDraft(key: string, text: string | null): void {
  try {
    if (text === null) window.sessionStorage.removeItem(key);
    else window.sessionStorage.setItem(key, text);
  } catch {
    // Storage full or denied: the draft lives as long as the page.
  }
}

interface Props {
  tenant: string;
  data: DivisionOfWorkData;
  base: { version: number; yaml: string };
  onPublished: (version: VersionInfo) => void;
  onExpired: () => void;
}

export function Editor({ tenant, data, base, onPublished, onExpired }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<YamlEditor | null>(null);
  const key = draftKey(tenant, base.version);
  const [initial] = useState(() => savedDraft(key) ?? base.yaml);
  const [text, setText] = useState(initial);
  const restored = initial !== base.yaml;
  const [loadFailed, setLoadFailed] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  // The verdict, with the text it is about: a verdict on an older text enables nothing.
  const [checked, setChecked] = useState<{ text: string; validation: Validation } | null>(null);
  const validation = checked?.validation ?? null;
  const [checkFailed, setCheckFailed] = useState<string | null>(null);
  const [month, setMonth] = useState(lastMonth);
  const [simulating, setSimulating] = useState(false);
  const [report, setReport] = useState<{ report: SimulationReport; text: string } | null>(null);
  const [simulateFailed, setSimulateFailed] = useState<string | null>(null);
  const [saving, setSaving] = useState<'review' | 'publishing' | null>(null);
  const [note, setNote] = useState('');
  const [saveFailed, setSaveFailed] = useState<string | null>(null);

  const fail = (err: unknown, set: (m: string) => void) =>
    isExpired(err) ? onExpired() : set(describeError(err));

  // CodeMirror and the schema load together, on this page only.
  useEffect(() => {
    let live = true;
    void Promise.all([import('./codemirror.ts'), data.schema().catch(() => null)])
      .then(([cm, schema]) => {
        if (!live || !host.current) return;
        editor.current = cm.createYamlEditor(host.current, {
          text: initial,
          label: 'Division of work (YAML)',
          schema: schema?.root ?? null,
          ...(schema ? { components: schema.components } : {}),
          onChange: setText,
        });
      })
      .catch(
        () => live && setLoadFailed('The editor could not be loaded. Check your connection and reload.'),
      );
    return () => {
      live = false;
      editor.current?.destroy();
      editor.current = null;
    };
  }, [data, initial]);

  useEffect(() => keepDraft(key, text === base.yaml ? null : text), [key, text, base.yaml]);

  // Validate as you type: the latest text only, once typing pauses.
  useEffect(() => {
    const abort = new AbortController();
    const timer = setTimeout(() => {
      setChecking(true);
      data
        .validate(text, abort.signal)
        .then((v) => {
          setChecked({ text, validation: v });
          setCheckFailed(null);
        })
        .catch((err: unknown) => {
          if (abort.signal.aborted) return;
          // A body the API cannot read at all (415, 413) is a problem of the draft too.
          if (err instanceof DraftError && err.issues.length) {
            setChecked({
              text,
              validation: { valid: false, issues: err.issues, wouldBecomeVersion: null, changes: [] },
            });
          } else fail(err, setCheckFailed);
        })
        .finally(() => !abort.signal.aborted && setChecking(false));
    }, VALIDATE_AFTER_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [data, text]);

  const problems = useMemo(() => {
    const info = scanYaml(text);
    return (validation?.issues ?? []).map((issue) => ({ ...issue, line: problemLine(text, issue, info) }));
  }, [validation, text]);

  useEffect(() => {
    editor.current?.showProblems(
      problems
        .filter((p) => p.line !== null)
        .map((p) => ({ line: p.line!, message: `${p.path || 'document'}: ${p.message}` })),
    );
  }, [problems]);

  const valid = checked?.text === text && validation?.valid === true;
  const changes = valid && (validation?.wouldBecomeVersion ?? 0) > base.version;

  async function simulate(event: Event) {
    event.preventDefault();
    setSimulating(true);
    setSimulateFailed(null);
    try {
      setReport({ report: await data.simulate(text, month), text });
    } catch (err) {
      fail(err, setSimulateFailed);
    } finally {
      setSimulating(false);
    }
  }

  async function publish(event: Event) {
    event.preventDefault();
    setSaving('publishing');
    setSaveFailed(null);
    try {
      const published = await data.publish(text, base.version, note);
      setSaving(null);
      setNote('');
      keepDraft(key, null);
      onPublished(published);
    } catch (err) {
      setSaving('review');
      fail(err, setSaveFailed);
    }
  }

  return (
    <div class="dow-editor">
      <section class="card" aria-labelledby="dow-draft-title">
        <h2 id="dow-draft-title">Draft, based on version {base.version}</h2>
        <p class="dow-muted">
          YAML, checked as you type. Ctrl+Space suggests the fields the schema allows; Escape then Tab leaves
          the editor.
        </p>
        {loadFailed ? <p role="alert">{loadFailed}</p> : null}
        {restored && text !== base.yaml ? (
          <p class="dow-restored">
            Your unsaved draft is back.{' '}
            <button type="button" class="link" onClick={() => editor.current?.setText(base.yaml)}>
              Discard the draft
            </button>
          </p>
        ) : null}
        <div class="dow-draft">
          <div ref={host} class="dow-codemirror">
            {editor.current ? null : <p class="dow-muted">Loading the editor…</p>}
          </div>
          <div class="dow-draft-panel">
            <div class="dow-check" role="status" aria-live="polite">
              {checking
                ? 'Checking…'
                : checkFailed
                  ? `The draft could not be checked: ${checkFailed}`
                  : validation === null
                    ? ''
                    : valid
                      ? changes
                        ? `Valid: it would become version ${validation.wouldBecomeVersion}.`
                        : 'Valid, and the same as the current version.'
                      : `${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}`}
            </div>
            {problems.length ? (
              <ul class="dow-problems" aria-label="Problems">
                {problems.map((p) => (
                  <li key={`${p.path}|${p.message}`}>
                    <code>{p.path || 'document'}</code>: {p.message}
                    {p.line !== null ? (
                      <>
                        {' '}
                        <button
                          type="button"
                          class="link"
                          onClick={() => editor.current?.goToLine(p.line!)}
                          aria-label={`Go to line ${p.line + 1} (${p.path || 'document'})`}
                        >
                          line {p.line + 1}
                        </button>
                      </>
                    ) : null}
                  </li>
                ))}
              </ul>
            ) : null}
            {valid && validation?.changes.length ? (
              <section aria-labelledby="dow-changes-title">
                <h3 id="dow-changes-title">What the draft changes</h3>
                <ul>
                  {validation.changes.map((c) => (
                    <li key={c}>{c}</li>
                  ))}
                </ul>
              </section>
            ) : null}
          </div>
        </div>
      </section>

      <section class="card" aria-labelledby="dow-whatif-form-title">
        <h2 id="dow-whatif-form-title">What-if</h2>
        <p class="dow-muted">
          Replay a month of tickets through the draft, before saving it. Nothing is changed.
        </p>
        <form class="dow-inline-form" onSubmit={simulate}>
          <div>
            <label for="dow-month">Month</label>
            <input
              id="dow-month"
              type="month"
              value={month}
              required
              onInput={(e) => setMonth((e.target as HTMLInputElement).value)}
            />
          </div>
          <button type="submit" disabled={!valid || simulating}>
            {simulating ? 'Replaying…' : 'Run what-if'}
          </button>
        </form>
        {simulateFailed ? <p role="alert">{simulateFailed}</p> : null}
        {report ? (
          <>
            {report.text !== text ? (
              <p class="dow-muted">
                The draft changed since this what-if ran: run it again to see the effect.
              </p>
            ) : null}
            <WhatIfReport report={report.report} />
          </>
        ) : null}
      </section>

      <section class="card" aria-labelledby="dow-save-title">
        <h2 id="dow-save-title">Save</h2>
        {saving === null ? (
          <button type="button" disabled={!changes} onClick={() => setSaving('review')}>
            {changes ? `Review and save as version ${validation?.wouldBecomeVersion}` : 'Review and save'}
          </button>
        ) : (
          <form onSubmit={publish} aria-labelledby="dow-review-title">
            <h3 id="dow-review-title">Save as version {validation?.wouldBecomeVersion}</h3>
            <p>These changes apply from the next ticket on:</p>
            <ul>
              {validation?.changes.map((c) => (
                <li key={c}>{c}</li>
              ))}
            </ul>
            <label for="dow-note">Note</label>
            <textarea
              id="dow-note"
              rows={3}
              maxLength={1000}
              required
              value={note}
              aria-describedby="dow-note-hint"
              onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)}
            />
            <p id="dow-note-hint" class="dow-muted">
              Why: kept with the version in its history.
            </p>
            {saveFailed ? <p role="alert">{saveFailed}</p> : null}
            <div class="dow-actions">
              <button type="submit" disabled={saving === 'publishing' || !changes}>
                {saving === 'publishing'
                  ? 'Publishing…'
                  : `Publish version ${validation?.wouldBecomeVersion}`}
              </button>
              <button type="button" class="dow-secondary" onClick={() => setSaving(null)}>
                Cancel
              </button>
            </div>
          </form>
        )}
      </section>
    </div>
  );
}
