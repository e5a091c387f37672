import type { DivisionOfWork, Workload } from '@psa/model/division-of-work';

/** At most this many lines in a version's change summary (the rest are counted). */
export const MAX_SUMMARY_LINES = 40;

/** Fields that identify a version rather than say what it decides. */
const BOOKKEEPING = new Set(['tenantId', 'version', 'effectiveFrom']);
/** Derived when a version is saved (a calendar's resolved public holidays): never a change of its own. */
const DERIVED = 'publicHolidayDates';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isPrimitive = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);

function show(v: unknown): string {
  if (v === undefined) return 'unset';
  const text = typeof v === 'string' ? `'${v}'` : JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Leaf-level differences, named by path; lists of plain values read as added/removed entries. */
function diff(path: string, a: unknown, b: unknown, out: string[]): void {
  if (equal(a, b)) return;
  if (isRecord(a) && isRecord(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (k === DERIVED) continue;
      // A root ending in a space names a thing ("workload 'hardware' owner"), not a field path.
      diff(!path ? k : path.endsWith(' ') ? `${path}${k}` : `${path}.${k}`, a[k], b[k], out);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.every(isPrimitive) && b.every(isPrimitive)) {
    const added = b.filter((x) => !a.includes(x));
    const removed = a.filter((x) => !b.includes(x));
    const parts = [
      added.length ? `added ${added.map(show).join(', ')}` : '',
      removed.length ? `removed ${removed.map(show).join(', ')}` : '',
    ].filter(Boolean);
    out.push(`${path}: ${parts.length ? parts.join('; ') : 'order changed'}`);
    return;
  }
  out.push(`${path}: ${show(a)} → ${show(b)}`);
}

/** A workload with its term lists keyed by term, so a change reads "keywords.tablet: unset → 2". */
function comparable(w: Workload): Record<string, Json> {
  const byTerm = (terms: { term: string; weight: number }[]) =>
    Object.fromEntries(terms.map((t) => [t.term, t.weight]));
  return {
    ...(w as unknown as Record<string, Json>),
    recognise: {
      ...(w.recognise as unknown as Record<string, Json>),
      keywords: byTerm(w.recognise.keywords),
      phrases: byTerm(w.recognise.phrases),
    },
  };
}

/**
 * What a new version changes, one line per change, in words a person reads in the history:
 * "workload 'hardware' owner: 'internal' → 'partner'", "added workload 'printing' (partner, P3,
 * 20 min)", "vipRequesters: added 'coo@acme.example'". Empty when nothing that routing, SLAs or
 * intake read has changed (the version number and `effectiveFrom` do not count).
 */
export function describeChanges(before: DivisionOfWork | null, after: DivisionOfWork): string[] {
  if (!before) return ['first version'];
  const out: string[] = [];
  const a = before as unknown as Record<string, unknown>;
  const b = after as unknown as Record<string, unknown>;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (BOOKKEEPING.has(key) || key === 'workloads') continue;
    diff(key, a[key], b[key], out);
  }

  const old = new Map(before.workloads.map((w) => [w.id, w]));
  const now = new Map(after.workloads.map((w) => [w.id, w]));
  for (const w of after.workloads) {
    const was = old.get(w.id);
    if (!was) {
      out.push(`added workload '${w.id}' (${w.owner}, ${w.defaultPriority}, ${w.handleMinutes} min)`);
    } else {
      diff(`workload '${w.id}' `, comparable(was), comparable(w), out);
    }
  }
  for (const w of before.workloads) if (!now.has(w.id)) out.push(`removed workload '${w.id}'`);
  const kept = (list: Workload[], other: Map<string, Workload>) =>
    list.filter((w) => other.has(w.id)).map((w) => w.id);
  if (!equal(kept(before.workloads, now), kept(after.workloads, old))) {
    out.push('workload order changed (on a recognition tie the earlier workload wins)');
  }

  if (out.length <= MAX_SUMMARY_LINES) return out;
  return [
    ...out.slice(0, MAX_SUMMARY_LINES - 1),
    `... and ${out.length - MAX_SUMMARY_LINES + 1} more changes`,
  ];
}
