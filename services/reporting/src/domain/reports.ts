import { countFacts, type MonthCounters, segmentsOf } from '@psa/model/month-counters';
import type { TicketFact } from '@psa/model/report-facts';
import type { Owner, Priority, Ticket } from '@psa/model/ticket';
import { alertQualityFromCounters, interruptionsFromCounters } from './measures.ts';

const OWNERS: Owner[] = ['partner', 'internal', 'triage'];
const PRIORITIES: Priority[] = ['P1', 'P2', 'P3', 'P4'];
const HOUR = 3_600_000;
const AGE_BUCKETS = [
  { id: 'under4h', maxHours: 4 },
  { id: '4to24h', maxHours: 24 },
  { id: '1to3d', maxHours: 72 },
  { id: '3to7d', maxHours: 168 },
  { id: 'over7d', maxHours: Number.POSITIVE_INFINITY },
] as const;

const zeroes = <K extends string>(ks: readonly K[]) =>
  Object.fromEntries(ks.map((k) => [k, 0])) as Record<K, number>;
const ratio = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 1000) / 1000);

/** Open tickets by owner, priority and age, from the open-ticket index only. */
export function backlogReport(open: Record<Owner, Ticket[]>, now: Date) {
  const byOwner = zeroes(OWNERS);
  const byPriority = Object.fromEntries(OWNERS.map((o) => [o, zeroes(PRIORITIES)])) as Record<
    Owner,
    Record<Priority, number>
  >;
  const byAge = Object.fromEntries(OWNERS.map((o) => [o, zeroes(AGE_BUCKETS.map((b) => b.id))])) as Record<
    Owner,
    Record<(typeof AGE_BUCKETS)[number]['id'], number>
  >;
  const oldest = {} as Record<
    Owner,
    { id: string; key: string; receivedAt: string; ageHours: number } | null
  >;
  for (const owner of OWNERS) {
    oldest[owner] = null;
    for (const t of open[owner]) {
      byOwner[owner]++;
      if (t.priority) byPriority[owner][t.priority]++;
      const ageHours = (now.getTime() - new Date(t.receivedAt).getTime()) / HOUR;
      const bucket = AGE_BUCKETS.find((b) => ageHours < b.maxHours)!;
      byAge[owner][bucket.id]++;
      if (!oldest[owner] || t.receivedAt < oldest[owner].receivedAt) {
        oldest[owner] = {
          id: t.id,
          key: t.key,
          receivedAt: t.receivedAt,
          ageHours: Math.round(ageHours * 10) / 10,
        };
      }
    }
  }
  return {
    asOf: now.toISOString(),
    total: OWNERS.reduce((n, o) => n + byOwner[o], 0),
    byOwner,
    byPriority,
    byAge,
    oldestOpen: oldest,
  };
}

/** Tickets received outside internal hours in a month, by owner and workload. */
export function afterHoursReport(month: string, timeZone: string, facts: readonly TicketFact[]) {
  return afterHoursFromCounters(month, timeZone, countFacts(facts));
}

export function afterHoursFromCounters(month: string, timeZone: string, c: MonthCounters) {
  const byOwner = zeroes(OWNERS);
  for (const o of OWNERS) byOwner[o] = c[`ah|${o}`] ?? 0;
  const byWorkload: Record<string, Record<Owner, number>> = {};
  for (const w of segmentsOf(c, 'ahw')) {
    byWorkload[w] = zeroes(OWNERS);
    for (const o of OWNERS) byWorkload[w][o] = c[`ahw|${w}|${o}`] ?? 0;
  }
  const after = OWNERS.reduce((n, o) => n + byOwner[o], 0);
  const total = c.n ?? 0;
  return {
    month,
    timeZone,
    totalTickets: total,
    afterHoursTickets: after,
    afterHoursShare: ratio(after, total),
    byOwner,
    byWorkload,
  };
}

type SlaTarget = 'firstResponse' | 'resolution' | 'nextUpdate';

function attainment(c: MonthCounters, owner: Owner, priorities: readonly Priority[], target: SlaTarget) {
  let measured = 0;
  let met = 0;
  for (const p of priorities) {
    measured += c[`sla|${owner}|${p}|${target}|m`] ?? 0;
    met += c[`sla|${owner}|${p}|${target}|met`] ?? 0;
  }
  return { measured, met, breached: measured - met, attainment: ratio(met, measured) };
}

/** What the partner took off internal IT in a month. */
export function reliefReport(month: string, timeZone: string, facts: readonly TicketFact[]) {
  return reliefFromCounters(month, timeZone, countFacts(facts));
}

/** The relief report from a month's counters (see month-counters.ts): the same figures as from its facts. */
export function reliefFromCounters(month: string, timeZone: string, c: MonthCounters) {
  const ticketsByOwner = zeroes(OWNERS);
  const afterHoursByOwner = zeroes(OWNERS);
  for (const o of OWNERS) {
    ticketsByOwner[o] = c[`t|${o}`] ?? 0;
    afterHoursByOwner[o] = c[`ah|${o}`] ?? 0;
  }
  const total = c.n ?? 0;
  const targets = (owner: Owner, priorities: readonly Priority[]) => ({
    firstResponse: attainment(c, owner, priorities, 'firstResponse'),
    resolution: attainment(c, owner, priorities, 'resolution'),
    nextUpdate: attainment(c, owner, priorities, 'nextUpdate'),
  });
  // By owner (the side holding the ticket; see project.ts for which clocks a fact reports), and
  // within each owner by priority.
  const slaAttainment = Object.fromEntries(
    OWNERS.map((o) => {
      const byPriority = Object.fromEntries(PRIORITIES.map((p) => [p, targets(o, [p])])) as Record<
        Priority,
        ReturnType<typeof targets>
      >;
      return [o, { ...targets(o, PRIORITIES), byPriority }];
    }),
  ) as Record<
    Owner,
    ReturnType<typeof targets> & { byPriority: Record<Priority, ReturnType<typeof targets>> }
  >;
  const afterHours = afterHoursByOwner.partner + afterHoursByOwner.internal + afterHoursByOwner.triage;
  // Handoffs per workload: escalations to internal show misroutes and decisions the partner may
  // not take; delegations show work internal IT gave away.
  const handoffsByWorkload: Record<string, { toInternal: number; toPartner: number }> = {};
  for (const w of segmentsOf(c, 'hw')) {
    handoffsByWorkload[w] = { toInternal: c[`hw|${w}|in`] ?? 0, toPartner: c[`hw|${w}|out`] ?? 0 };
  }
  const sum = (k: 'toInternal' | 'toPartner') =>
    Object.values(handoffsByWorkload).reduce((n, h) => n + h[k], 0);
  const acceptanceMeasured = c['acc|m'] ?? 0;
  const acceptanceMet = c['acc|met'] ?? 0;
  return {
    month,
    timeZone,
    totalTickets: total,
    ticketsByOwner,
    partnerShare: ratio(ticketsByOwner.partner, total),
    afterHoursTickets: afterHours,
    afterHoursByOwner,
    afterHoursPartnerShare: ratio(afterHoursByOwner.partner, afterHours),
    internalHoursFreed: Math.round(((c['hm|partner'] ?? 0) / 60) * 100) / 100,
    openAtReport: { internal: c['open|internal'] ?? 0, partner: c['open|partner'] ?? 0 },
    slaAttainment,
    satisfaction: satisfactionFromCounters(c),
    alertQuality: alertQualityFromCounters(c),
    interruptions: interruptionsFromCounters(c),
    handoffs: {
      escalationsToInternal: sum('toInternal'),
      delegationsToPartner: sum('toPartner'),
      byWorkload: handoffsByWorkload,
      acceptance: {
        measured: acceptanceMeasured,
        met: acceptanceMet,
        breached: acceptanceMeasured - acceptanceMet,
        attainment: ratio(acceptanceMet, acceptanceMeasured),
      },
    },
  };
}

export type ReliefFigures = ReturnType<typeof reliefFromCounters>;

/** Count, share good and share bad of some ratings (shares null when there are none). */
function ratingSummary(c: MonthCounters, prefix: string) {
  const good = c[`${prefix}|good`] ?? 0;
  const bad = c[`${prefix}|bad`] ?? 0;
  const count = good + bad + (c[`${prefix}|okay`] ?? 0);
  return { count, shareGood: ratio(good, count), shareBad: ratio(bad, count) };
}

/**
 * Requesters' satisfaction with the tickets of a month: by the side each rating is attributed to
 * (the owner when the ticket was resolved) and by workload.
 */
export function satisfactionReport(facts: readonly TicketFact[]) {
  return satisfactionFromCounters(countFacts(facts));
}

function satisfactionFromCounters(c: MonthCounters) {
  const byWorkload: Record<string, ReturnType<typeof ratingSummary>> = {};
  for (const w of segmentsOf(c, 'sw')) byWorkload[w] = ratingSummary(c, `sw|${w}`);
  const byOwner = Object.fromEntries(OWNERS.map((o) => [o, ratingSummary(c, `so|${o}`)])) as Record<
    Owner,
    ReturnType<typeof ratingSummary>
  >;
  const none = ratingSummary(c, 'so|none');
  const count = none.count + OWNERS.reduce((n, o) => n + byOwner[o].count, 0);
  const all = (r: 'good' | 'bad') =>
    (c[`so|none|${r}`] ?? 0) + OWNERS.reduce((n, o) => n + (c[`so|${o}|${r}`] ?? 0), 0);
  return {
    count,
    shareGood: ratio(all('good'), count),
    shareBad: ratio(all('bad'), count),
    byOwner,
    byWorkload,
  };
}

/** This month beside the previous one: the trend leadership asks about first. */
export function monthOverMonth(current: ReliefFigures, previous: ReliefFigures) {
  const delta = (a: number | null, b: number | null) =>
    a === null || b === null ? null : Math.round((a - b) * 1000) / 1000;
  return {
    previousMonth: previous.month,
    totalTickets: delta(current.totalTickets, previous.totalTickets),
    partnerShare: delta(current.partnerShare, previous.partnerShare),
    afterHoursTickets: delta(current.afterHoursTickets, previous.afterHoursTickets),
    internalHoursFreed: delta(current.internalHoursFreed, previous.internalHoursFreed),
    escalationsToInternal: delta(
      current.handoffs.escalationsToInternal,
      previous.handoffs.escalationsToInternal,
    ),
    satisfaction: {
      count: delta(current.satisfaction.count, previous.satisfaction.count),
      shareGood: delta(current.satisfaction.shareGood, previous.satisfaction.shareGood),
      shareBad: delta(current.satisfaction.shareBad, previous.satisfaction.shareBad),
      byOwner: Object.fromEntries(
        OWNERS.map((o) => [
          o,
          {
            shareGood: delta(
              current.satisfaction.byOwner[o].shareGood,
              previous.satisfaction.byOwner[o].shareGood,
            ),
            shareBad: delta(
              current.satisfaction.byOwner[o].shareBad,
              previous.satisfaction.byOwner[o].shareBad,
            ),
          },
        ]),
      ) as Record<Owner, { shareGood: number | null; shareBad: number | null }>,
    },
  };
}

export type MonthOverMonth = ReturnType<typeof monthOverMonth>;
