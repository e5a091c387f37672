import type { Calendar } from '@psa/calendar/resolved';
import type { DivisionOfWork } from '@psa/model/division-of-work';
import { monthOf } from '@psa/model/month';
import { dueAfter } from '@psa/model/sla-clock';
import { isOpenStatus, type TicketStatus } from '@psa/model/ticket';
import { TAG } from './corpus.ts';
import type { ListedTicket, Observation, QueueTally } from './observe.ts';
import type { Delivery } from './traffic.ts';

const OWNERS = ['partner', 'internal', 'triage'] as const;
const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
const SLA_TYPES = new Set(['SlaWarning', 'SlaBreached', 'SlaMet']);
const sample = <T>(xs: readonly T[], n = 5) => xs.slice(0, n);

/** The audit's figures: what a chaos run prints and writes as JSON. */
export interface Verdict {
  acknowledged: { total: number; web: number; mail: number };
  refused: { count: number; samples: string[] };
  /** Acknowledged, and neither a ticket nor (mail) a quarantine entry. */
  lost: { count: number; samples: string[] };
  quarantined: { count: number; reasons: Record<string, number> };
  /** One Idempotency-Key or Message-ID, more than one ticket. */
  duplicated: { count: number; samples: { tag: string; tickets: string[] }[] };
  /** Tickets whose subject carries no item's tag (none expected). */
  untagged: number;
  unrouted: { count: number; samples: string[] };
  queue: {
    messages: number;
    /** Tickets by how many messages came for them ("1": 950 means 950 tickets got exactly one). */
    messagesPerTicket: Record<string, number>;
    /** Routed tickets without a message on their owner's queue. */
    undispatched: { count: number; samples: string[] };
    /** Copies a consumer drops by (ticket id, decision): messages minus distinct decisions. */
    redundantCopies: number;
    unreadable: number;
  };
  sla: {
    /** Distinct SLA events the bus accepted. */
    fired: number;
    /** Warnings and breaches that fell due (from the tickets' receipt and the calendars) by the horizon. */
    expected: number;
    /** Expected, or shown breached on the ticket, and never accepted by the bus. */
    never: { count: number; samples: string[] };
    /** One crossing (ticket, clock, period, threshold) decided under two event ids. */
    firedTwice: { count: number; samples: string[] };
    /** Accepted by the bus more than once under one event id: at-least-once publication (consumers dedupe). */
    republished: number;
  };
  reports: { equal: boolean; differences: string[] };
}

/** Where a field of the report and its recount from the tickets differ. */
function compare(differences: string[], path: string, report: unknown, recount: unknown): void {
  if (typeof recount === 'object' && recount !== null) {
    for (const [k, v] of Object.entries(recount)) {
      compare(differences, `${path}.${k}`, (report as Record<string, unknown> | undefined)?.[k], v);
    }
    return;
  }
  if (report !== recount)
    differences.push(`${path}: report ${JSON.stringify(report)}, recount ${JSON.stringify(recount)}`);
}

const sideOf = (owner: string) => (owner === 'internal' ? 'internal' : 'partner');

/** The relief and backlog figures, recounted from the tickets as listed (their state and SLA clocks). */
function recount(tickets: ListedTicket[], dow: DivisionOfWork, month: string) {
  const facts = tickets.filter(
    (t) => t.owner && t.priority && monthOf(new Date(t.receivedAt), dow.timeZone) === month,
  );
  const zero = () => ({ partner: 0, internal: 0, triage: 0 });
  const ticketsByOwner = zero();
  const afterHoursByOwner = zero();
  for (const f of facts) {
    ticketsByOwner[f.owner!]++;
    if (f.afterHours) afterHoursByOwner[f.owner!]++;
  }
  const attainment = (some: ListedTicket[], target: 'firstResponse' | 'resolution') => {
    const clocks = some
      .map((t) => t.sla.find((c) => c.clock === `${sideOf(t.owner!)}.${target}`))
      .filter((c) => c && (c.breached || c.met !== null));
    const met = clocks.filter((c) => c!.met === true && !c!.breached).length;
    return { measured: clocks.length, met, breached: clocks.length - met };
  };
  const slaAttainment = Object.fromEntries(
    OWNERS.map((o) => {
      const mine = facts.filter((f) => f.owner === o);
      return [
        o,
        { firstResponse: attainment(mine, 'firstResponse'), resolution: attainment(mine, 'resolution') },
      ];
    }),
  );
  const open = tickets.filter((t) => t.owner && isOpenStatus(t.status as TicketStatus));
  const byOwner = zero();
  const byPriority = Object.fromEntries(OWNERS.map((o) => [o, { P1: 0, P2: 0, P3: 0, P4: 0 }])) as Record<
    (typeof OWNERS)[number],
    Record<(typeof PRIORITIES)[number], number>
  >;
  for (const t of open) {
    byOwner[t.owner!]++;
    if (t.priority) byPriority[t.owner!][t.priority]++;
  }
  return {
    relief: {
      totalTickets: facts.length,
      ticketsByOwner,
      afterHoursByOwner,
      openAtReport: {
        internal: facts.filter((f) => f.owner === 'internal' && !f.resolvedAt).length,
        partner: facts.filter((f) => f.owner === 'partner' && !f.resolvedAt).length,
      },
      slaAttainment,
    },
    backlog: { total: open.length, byOwner, byPriority },
  };
}

/**
 * The SLA events a ticket's clocks owe by `horizon`: each warning and the breach of its first
 * response and resolution, from its receipt, on its side's calendar. Valid for the tickets a
 * chaos run makes: routed once, never answered, handed over or paused.
 */
function owedSlaEvents(t: ListedTicket, dow: DivisionOfWork, horizon: number): string[] {
  if (!t.owner || !t.priority || t.status !== 'new') return [];
  const side = sideOf(t.owner);
  const cal: Calendar = side === 'internal' ? dow.internalCalendar : dow.partnerCoverage.calendar;
  const targets = dow.slaTargets[side][t.priority];
  const out: string[] = [];
  const start = new Date(t.receivedAt);
  for (const [target, minutes] of [
    ['firstResponse', targets.firstResponseMinutes],
    ['resolution', targets.resolutionMinutes],
  ] as const) {
    for (const f of dow.slaPolicy.warnAt) {
      if (dueAfter(cal, start, f * minutes).getTime() <= horizon)
        out.push(`${t.id}:${side}.${target}:warn:${f}`);
    }
    if (dueAfter(cal, start, minutes).getTime() <= horizon) out.push(`${t.id}:${side}.${target}:breach`);
  }
  return out;
}

/** Judges what was observed against what the clients were told (`deliveries`). */
export function judge(opts: {
  deliveries: Delivery[];
  seen: Observation;
  tally: QueueTally;
  dow: DivisionOfWork;
  month: string;
  /** SLA instants up to here (epoch ms, the runtime's clock) must have fired. */
  slaHorizon: number;
}): Verdict {
  const { deliveries, seen, tally, dow } = opts;
  const acked = deliveries.filter((d) => d.acknowledged);
  const refused = deliveries.filter((d) => !d.acknowledged);
  const byTag = new Map<string, ListedTicket[]>();
  let untagged = 0;
  for (const t of seen.tickets) {
    const m = TAG.exec(t.subject) ?? TAG.exec(t.body);
    if (!m) {
      untagged++;
      continue;
    }
    const tag = `chaos-${m[1]}:`;
    byTag.set(tag, [...(byTag.get(tag) ?? []), t]);
  }
  const quarantinedTags = new Map<string, string>();
  for (const q of seen.quarantine) {
    const m = q.subject ? TAG.exec(q.subject) : null;
    if (m) quarantinedTags.set(`chaos-${m[1]}:`, q.reason);
  }
  const lost = acked
    .filter((d) => !byTag.has(d.item.tag) && !quarantinedTags.has(d.item.tag))
    .map((d) => `${d.item.tag.slice(0, -1)} (${d.item.channel}${d.item.large ? ', large' : ''})`);
  const duplicated = [...byTag.entries()]
    .filter(([, ts]) => ts.length > 1)
    .map(([tag, ts]) => ({ tag: tag.slice(0, -1), tickets: ts.map((t) => t.id) }));
  const reasons: Record<string, number> = {};
  for (const reason of quarantinedTags.values()) reasons[reason] = (reasons[reason] ?? 0) + 1;

  const routed = seen.tickets.filter((t) => t.owner);
  const unrouted = seen.tickets.filter((t) => !t.owner).map((t) => t.id);
  const perTicket: Record<string, number> = {};
  for (const t of routed) {
    const n = String(tally.perTicket.get(t.id) ?? 0);
    perTicket[n] = (perTicket[n] ?? 0) + 1;
  }
  const undispatched = routed.filter((t) => !tally.perTicket.has(t.id)).map((t) => t.id);
  const decisions = [...tally.decisions.values()].reduce((n, s) => n + s.size, 0);

  // SLA: the bus's archive against what the clocks owed and what the tickets show.
  const slaEvents = seen.events.filter((e) => SLA_TYPES.has(e.detailType) && e.eventId);
  const accepted = new Map<string, number>();
  for (const e of slaEvents) accepted.set(e.eventId!, (accepted.get(e.eventId!) ?? 0) + 1);
  const crossings = new Map<string, Set<string>>();
  for (const e of slaEvents) {
    const d = JSON.parse(e.detail) as {
      ticketId?: string;
      clock?: string;
      cycle?: number;
      threshold?: number;
    };
    const what = e.detailType === 'SlaWarning' ? `warn:${d.threshold}` : e.detailType;
    const key = `${d.ticketId}:${d.clock}#${d.cycle ?? 0}:${what}`;
    crossings.set(key, (crossings.get(key) ?? new Set()).add(e.eventId!));
  }
  const firedTwice = [...crossings.entries()].filter(([, ids]) => ids.size > 1).map(([k]) => k);
  const owed = new Set(routed.flatMap((t) => owedSlaEvents(t, dow, opts.slaHorizon)));
  for (const t of routed) for (const c of t.sla) if (c.breached) owed.add(`${t.id}:${c.clock}:breach`);
  const never = [...owed].filter((id) => !accepted.has(id));

  const differences: string[] = [];
  const counted = recount(seen.tickets, dow, opts.month);
  compare(differences, 'relief', seen.relief, counted.relief);
  compare(differences, 'backlog', seen.backlog, counted.backlog);

  return {
    acknowledged: {
      total: acked.length,
      web: acked.filter((d) => d.item.channel === 'web').length,
      mail: acked.filter((d) => d.item.channel === 'mail').length,
    },
    refused: {
      count: refused.length,
      samples: sample(refused.map((d) => `${d.item.tag.slice(0, -1)} (${d.item.channel}): ${d.refused}`)),
    },
    lost: { count: lost.length, samples: sample(lost, 10) },
    quarantined: { count: quarantinedTags.size, reasons },
    duplicated: { count: duplicated.length, samples: sample(duplicated) },
    untagged,
    unrouted: { count: unrouted.length, samples: sample(unrouted) },
    queue: {
      messages: tally.messages,
      messagesPerTicket: perTicket,
      undispatched: { count: undispatched.length, samples: sample(undispatched) },
      redundantCopies: tally.messages - tally.unreadable - decisions,
      unreadable: tally.unreadable,
    },
    sla: {
      fired: accepted.size,
      expected: owed.size,
      never: { count: never.length, samples: sample(never) },
      firedTwice: { count: firedTwice.length, samples: sample(firedTwice) },
      republished: [...accepted.values()].filter((n) => n > 1).length,
    },
    reports: { equal: differences.length === 0, differences: sample(differences, 10) },
  };
}

/** The goals a run must meet; each false one fails it. */
export function goals(v: Verdict): Record<string, boolean> {
  return {
    'nothing acknowledged is lost': v.lost.count === 0,
    'no duplicate tickets': v.duplicated.count === 0,
    'no SLA event fired twice': v.sla.firedTwice.count === 0,
    'no SLA event that came due is missing': v.sla.never.count === 0,
    'every ticket routed': v.unrouted.count === 0,
    'every routed ticket on its queue': v.queue.undispatched.count === 0,
    'reports equal the recount': v.reports.equal,
  };
}
