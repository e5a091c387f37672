import type { TicketFact } from '@psa/model/report-facts';
import type { Owner, Priority, Ticket } from '@psa/model/ticket';

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
export function afterHoursReport(month: string, timeZone: string, facts: TicketFact[]) {
  const after = facts.filter((f) => f.afterHours);
  const byWorkload: Record<string, Record<Owner, number>> = {};
  const byOwner = zeroes(OWNERS);
  for (const f of after) {
    byOwner[f.owner]++;
    const w = f.workload ?? 'unrecognised';
    byWorkload[w] ??= zeroes(OWNERS);
    byWorkload[w][f.owner]++;
  }
  return {
    month,
    timeZone,
    totalTickets: facts.length,
    afterHoursTickets: after.length,
    afterHoursShare: ratio(after.length, facts.length),
    byOwner,
    byWorkload,
  };
}

function attainment(facts: TicketFact[], target: 'firstResponse' | 'resolution' | 'nextUpdate') {
  const measured = facts.filter((f) => {
    const o = f.sla[target] ?? null;
    return o && (o.breached || o.met !== null);
  });
  const met = measured.filter((f) => f.sla[target]?.met === true && !f.sla[target]?.breached).length;
  return {
    measured: measured.length,
    met,
    breached: measured.length - met,
    attainment: ratio(met, measured.length),
  };
}

/** What the partner took off internal IT in a month. */
export function reliefReport(month: string, timeZone: string, facts: TicketFact[]) {
  const ticketsByOwner = zeroes(OWNERS);
  const afterHoursByOwner = zeroes(OWNERS);
  let partnerHandleMinutes = 0;
  for (const f of facts) {
    ticketsByOwner[f.owner]++;
    if (f.afterHours) afterHoursByOwner[f.owner]++;
    if (f.owner === 'partner') partnerHandleMinutes += f.handleMinutes;
  }
  const targets = (some: TicketFact[]) => ({
    firstResponse: attainment(some, 'firstResponse'),
    resolution: attainment(some, 'resolution'),
    nextUpdate: attainment(some, 'nextUpdate'),
  });
  // By owner (the side holding the ticket; see project.ts for which clocks a fact reports), and
  // within each owner by priority.
  const slaAttainment = Object.fromEntries(
    OWNERS.map((o) => {
      const mine = facts.filter((f) => f.owner === o);
      const byPriority = Object.fromEntries(
        PRIORITIES.map((p) => [p, targets(mine.filter((f) => f.priority === p))]),
      ) as Record<Priority, ReturnType<typeof targets>>;
      return [o, { ...targets(mine), byPriority }];
    }),
  ) as Record<
    Owner,
    ReturnType<typeof targets> & { byPriority: Record<Priority, ReturnType<typeof targets>> }
  >;
  const afterHours = afterHoursByOwner.partner + afterHoursByOwner.internal + afterHoursByOwner.triage;
  // Handoffs per workload: escalations to internal show misroutes and decisions the partner may
  // not take; delegations show work internal IT gave away.
  const handoffsByWorkload: Record<string, { toInternal: number; toPartner: number }> = {};
  let acceptanceMeasured = 0;
  let acceptanceMet = 0;
  for (const f of facts) {
    const h = f.handoffs ?? { toInternal: 0, toPartner: 0, acceptance: [] };
    if (h.toInternal + h.toPartner > 0) {
      const w = f.workload ?? 'unrecognised';
      handoffsByWorkload[w] ??= { toInternal: 0, toPartner: 0 };
      handoffsByWorkload[w].toInternal += h.toInternal;
      handoffsByWorkload[w].toPartner += h.toPartner;
    }
    for (const a of h.acceptance) {
      if (a.breached || a.met !== null) acceptanceMeasured++;
      if (a.met === true && !a.breached) acceptanceMet++;
    }
  }
  const sum = (k: 'toInternal' | 'toPartner') =>
    Object.values(handoffsByWorkload).reduce((n, h) => n + h[k], 0);
  return {
    month,
    timeZone,
    totalTickets: facts.length,
    ticketsByOwner,
    partnerShare: ratio(ticketsByOwner.partner, facts.length),
    afterHoursTickets: afterHours,
    afterHoursByOwner,
    afterHoursPartnerShare: ratio(afterHoursByOwner.partner, afterHours),
    internalHoursFreed: Math.round((partnerHandleMinutes / 60) * 100) / 100,
    openAtReport: {
      internal: facts.filter((f) => f.owner === 'internal' && !f.resolvedAt).length,
      partner: facts.filter((f) => f.owner === 'partner' && !f.resolvedAt).length,
    },
    slaAttainment,
    satisfaction: satisfactionReport(facts),
    alertQuality: alertQualityReport(facts),
    interruptions: interruptionsReport(facts),
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

const MINUTE = 60_000;

/** Alert quality of some facts: what monitoring sent, what reached a person, and what was noise. */
function alertSummary(facts: readonly TicketFact[]) {
  const alerts = facts.filter((f) => f.alert);
  const occurrences = alerts.reduce((n, f) => n + f.alert!.occurrences, 0);
  const closed = alerts.filter((f) => f.resolvedAt);
  const acknowledged = alerts.filter((f) => f.firstRespondedAt);
  const ackMinutes = acknowledged.map(
    (f) => (Date.parse(f.firstRespondedAt!) - Date.parse(f.receivedAt)) / MINUTE,
  );
  return {
    /** Alert tickets opened (each is one correlated alert, however often it fired). */
    tickets: alerts.length,
    /** Alert mails received for them: the tickets plus the repeats folded into them. */
    occurrences,
    /** Repeats folded into an open ticket instead of opening one each: noise removed. */
    folded: occurrences - alerts.length,
    closed: closed.length,
    closedWithoutAction: closed.filter((f) => f.alert!.closedWithoutAction).length,
    /** Of the closed alert tickets, the share nobody had to act on (null when none closed). */
    closedWithoutActionShare: ratio(closed.filter((f) => f.alert!.closedWithoutAction).length, closed.length),
    /** Mean wall-clock minutes from the alert ticket's arrival to its first response (acknowledgement). */
    meanMinutesToAcknowledge: ackMinutes.length
      ? Math.round((ackMinutes.reduce((a, b) => a + b, 0) / ackMinutes.length) * 10) / 10
      : null,
    acknowledged: acknowledged.length,
  };
}

/**
 * Alert quality of a month: monitoring-alert tickets (see project.ts for which tickets are), the
 * occurrences folded into them, the share closed without action, the mean time to acknowledge;
 * in all and by the side that holds each ticket.
 */
export function alertQualityReport(facts: readonly TicketFact[]) {
  return {
    ...alertSummary(facts),
    byOwner: Object.fromEntries(
      OWNERS.map((o) => [o, alertSummary(facts.filter((f) => f.owner === o))]),
    ) as Record<Owner, ReturnType<typeof alertSummary>>,
  };
}

/**
 * The after-hours load that still lands on internal IT in a month: internal-owned tickets received
 * outside internal hours, and P1/P2 pages that reached the team: internal-owned P1/P2 received
 * after hours, or P1/P2 handed to internal IT outside its hours.
 */
export function interruptionsReport(facts: readonly TicketFact[]) {
  const afterHoursInternal = facts.filter((f) => f.owner === 'internal' && f.afterHours);
  const urgent = (f: TicketFact) => f.priority === 'P1' || f.priority === 'P2';
  const pages = facts.filter(
    (f) =>
      urgent(f) && ((f.owner === 'internal' && f.afterHours) || (f.afterHoursHandoffsToInternal ?? 0) > 0),
  );
  return {
    afterHoursInternalTickets: afterHoursInternal.length,
    urgentPagesToInternal: pages.length,
    byPriority: Object.fromEntries(
      PRIORITIES.map((p) => [p, afterHoursInternal.filter((f) => f.priority === p).length]),
    ) as Record<Priority, number>,
    afterHoursHandoffsToInternal: facts.reduce((n, f) => n + (f.afterHoursHandoffsToInternal ?? 0), 0),
  };
}

/** Count, share good and share bad of some ratings (shares null when there are none). */
function ratingSummary(ratings: readonly ('good' | 'okay' | 'bad')[]) {
  const good = ratings.filter((r) => r === 'good').length;
  const bad = ratings.filter((r) => r === 'bad').length;
  return {
    count: ratings.length,
    shareGood: ratio(good, ratings.length),
    shareBad: ratio(bad, ratings.length),
  };
}

/**
 * Requesters' satisfaction with the tickets of a month: by the side each rating is attributed to
 * (the owner when the ticket was resolved) and by workload.
 */
export function satisfactionReport(facts: readonly TicketFact[]) {
  const rated = facts.flatMap((f) => (f.satisfaction ? [{ ...f.satisfaction, workload: f.workload }] : []));
  const byWorkload: Record<string, ReturnType<typeof ratingSummary>> = {};
  for (const w of new Set(rated.map((r) => r.workload ?? 'unrecognised'))) {
    byWorkload[w] = ratingSummary(
      rated.filter((r) => (r.workload ?? 'unrecognised') === w).map((r) => r.rating),
    );
  }
  return {
    ...ratingSummary(rated.map((r) => r.rating)),
    byOwner: Object.fromEntries(
      OWNERS.map((o) => [o, ratingSummary(rated.filter((r) => r.owner === o).map((r) => r.rating))]),
    ) as Record<Owner, ReturnType<typeof ratingSummary>>,
    byWorkload,
  };
}

/** This month beside the previous one: the trend leadership asks about first. */
export function monthOverMonth(
  current: ReturnType<typeof reliefReport>,
  previous: ReturnType<typeof reliefReport>,
) {
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
