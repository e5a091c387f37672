import { countMeasures } from './measure-counters.ts';
import type { TicketFact } from './report-facts.ts';

/**
 * A month's facts reduced to named counts and sums. Every figure of the relief and after-hours
 * reports is a function of these, and counters add up: the counters of a month are the sum of
 * the counters of any split of its facts, and a fact's change is a difference of counters. That
 * is what lets the store keep them per slice of a month, add each change as it is written, and
 * read a month of 100,000 tickets, or twelve of them, as a few small items
 * (see `ReportStore.monthCounters`).
 *
 * Keys are `|`-separated (workload ids are lower-case letters, digits and dashes):
 * `n` tickets; `t|{owner}` by owner; `ah|{owner}` after hours by owner; `ahw|{workload}|{owner}`;
 * `hm|partner` partner handle minutes; `open|{owner}` not resolved; `sla|{owner}|{priority}|{target}|m`
 * measured and `…|met`; `hw|{workload}|in` / `…|out` handoffs to internal / to the partner;
 * `acc|m`, `acc|met` handoff acceptance; `so|{owner|none}|{rating}` and `sw|{workload}|{rating}` ratings;
 * alert quality and interruptions (`al|…`, `int|…`, see measures.ts).
 */
export type MonthCounters = Record<string, number>;

/**
 * Bump when the meaning of a key changes or a key is added for facts already counted, so that
 * counters kept by an earlier version are recounted from the facts instead of read.
 */
export const MONTH_COUNTERS_VERSION = 2;

const SLA_TARGETS = ['firstResponse', 'resolution', 'nextUpdate'] as const;

function add(c: MonthCounters, key: string, by = 1): void {
  if (by !== 0) c[key] = (c[key] ?? 0) + by;
}

/** The counters of some facts. */
export function countFacts(facts: readonly TicketFact[]): MonthCounters {
  const c: MonthCounters = {};
  for (const f of facts) {
    const workload = f.workload ?? 'unrecognised';
    add(c, 'n');
    add(c, `t|${f.owner}`);
    if (f.afterHours) {
      add(c, `ah|${f.owner}`);
      add(c, `ahw|${workload}|${f.owner}`);
    }
    if (f.owner === 'partner') add(c, 'hm|partner', f.handleMinutes);
    if (!f.resolvedAt) add(c, `open|${f.owner}`);
    for (const target of SLA_TARGETS) {
      const o = f.sla[target] ?? null;
      if (!o || (!o.breached && o.met === null)) continue;
      add(c, `sla|${f.owner}|${f.priority}|${target}|m`);
      if (o.met === true && !o.breached) add(c, `sla|${f.owner}|${f.priority}|${target}|met`);
    }
    const h = f.handoffs ?? { toInternal: 0, toPartner: 0, acceptance: [] };
    add(c, `hw|${workload}|in`, h.toInternal);
    add(c, `hw|${workload}|out`, h.toPartner);
    for (const a of h.acceptance) {
      if (a.breached || a.met !== null) add(c, 'acc|m');
      if (a.met === true && !a.breached) add(c, 'acc|met');
    }
    if (f.satisfaction) {
      add(c, `so|${f.satisfaction.owner ?? 'none'}|${f.satisfaction.rating}`);
      add(c, `sw|${workload}|${f.satisfaction.rating}`);
    }
    countMeasures((key, by) => add(c, key, by), f);
  }
  return c;
}

/** The sum of some counters. */
export function addCounters(parts: readonly MonthCounters[]): MonthCounters {
  const sum: MonthCounters = {};
  for (const part of parts) for (const [k, v] of Object.entries(part)) add(sum, k, v);
  return sum;
}

/** What changes when `before` becomes `after`: `after - before`, zero entries left out. */
export function diffCounters(after: MonthCounters, before: MonthCounters): MonthCounters {
  const d: MonthCounters = {};
  for (const [k, v] of Object.entries(after)) add(d, k, v - (before[k] ?? 0));
  for (const [k, v] of Object.entries(before)) if (!(k in after)) add(d, k, -v);
  return d;
}

/** The distinct second segments of the keys with a prefix (`hw` → the workloads), sorted. */
export function segmentsOf(c: MonthCounters, prefix: string): string[] {
  const seen = new Set<string>();
  for (const k of Object.keys(c)) if (k.startsWith(`${prefix}|`)) seen.add(k.split('|')[1]!);
  return [...seen].sort();
}
