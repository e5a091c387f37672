import type { DivisionOfWork } from '@psa/model/division-of-work';
import type { SlaTarget } from '@psa/model/events';
import type { PauseReason, SlaSide } from '@psa/model/sla-clock';
import type { Owner, Priority, Ticket, TicketStatus } from '@psa/model/ticket';

/**
 * What a ticket's clocks should be, derived from the ticket alone: its owner, priority, status
 * history and handoffs. Pure and state-based: the same ticket
 * gives the same plan however often, and in whatever order, the events that led to it arrived.
 * Times are epoch milliseconds; an open end is +Infinity.
 */

/** Triage is worked by the partner's service desk, so it runs on the partner's terms. */
export const sideOf = (owner: Owner): SlaSide => (owner === 'internal' ? 'internal' : 'partner');

/** A stretch in which a clock does not run. */
export interface Gap {
  start: number;
  end: number;
  reason: PauseReason;
}

/** One period of a clock. */
export interface CyclePlan {
  cycle: number;
  startedAt: number;
  /** Sorted, disjoint gaps from `startedAt` until completion or `endsAt`; only the last may be open. */
  pauses: Gap[];
  completedAt: number | null;
  /** Until when a past period's time counts (its completion, or the reopen that ended it); +Infinity for the current one. */
  endsAt: number;
}

export interface ClockPlan {
  clockId: string;
  side: SlaSide;
  target: SlaTarget;
  owner: Owner;
  priority: Priority;
  targetMinutes: number;
  /** Oldest first; the last is the current period. */
  cycles: CyclePlan[];
}

/** A stretch of ownership by one side; `acceptedAt` null while the side has not taken it up. */
export interface Segment {
  side: SlaSide;
  owner: Owner;
  /** 0 for the side the ticket was routed to, then 1, 2, ... per handoff between the sides. */
  ordinal: number;
  from: number;
  to: number;
  acceptedAt: number | null;
}

const ms = (iso: string) => Date.parse(iso);

/** Status changes a side's people make that take up a ticket handed to them. */
const ACCEPTING: ReadonlySet<TicketStatus> = new Set([
  'acknowledged',
  'in_progress',
  'waiting_on_customer',
  'resolved',
  'closed',
]);
/** Status changes by the owner that count as an update (a next-update period starts). */
const UPDATING: ReadonlySet<TicketStatus> = new Set(['acknowledged', 'in_progress', 'waiting_on_customer']);
const DONE: ReadonlySet<TicketStatus> = new Set(['resolved', 'closed']);

/** Higher wins when gaps overlap: it says best why a clock is not running. */
const REASON_RANK: Record<PauseReason, number> = {
  status: 0,
  awaitingAcceptance: 1,
  handedOff: 2,
  closed: 3,
  withdrawn: 4,
};

type HistoryEntry = Ticket['history'][number] & { t: number };

function sortedHistory(ticket: Ticket): HistoryEntry[] {
  return ticket.history.map((h) => ({ ...h, t: ms(h.at) })).sort((a, b) => a.t - b.t);
}

/**
 * Who held the ticket when, from its handoffs: each handoff between the sides starts a segment
 * (triage to partner stays on the partner's side). A side other than the routed one has taken the
 * ticket up at the first status change its own people made after the handoff.
 */
export function ownershipSegments(ticket: Ticket): Segment[] {
  const received = ms(ticket.receivedAt);
  const changes = [...(ticket.handoffs ?? [])]
    .map((h) => ({ at: Math.max(ms(h.at), received), from: h.from, to: h.to }))
    .sort((a, b) => a.at - b.at);
  const first = changes[0]?.from ?? ticket.owner!;
  const segments: Segment[] = [
    {
      side: sideOf(first),
      owner: first,
      ordinal: 0,
      from: received,
      to: Number.POSITIVE_INFINITY,
      acceptedAt: received,
    },
  ];
  const move = (at: number, to: Owner) => {
    const last = segments.at(-1)!;
    if (sideOf(to) === last.side) {
      last.owner = to;
      return;
    }
    const from = Math.max(at, last.from);
    last.to = from;
    segments.push({
      side: sideOf(to),
      owner: to,
      ordinal: last.ordinal + 1,
      from,
      to: Number.POSITIVE_INFINITY,
      acceptedAt: null,
    });
  };
  for (const c of changes) move(c.at, c.to);
  // The owner is the truth (a ticket written before handoffs were recorded has none).
  move(ms(ticket.updatedAt), ticket.owner!);

  const history = sortedHistory(ticket);
  for (const s of segments) {
    if (s.ordinal === 0) continue;
    const accepted = history.find(
      (h) => h.t >= s.from && h.t < s.to && h.by.role === s.side && ACCEPTING.has(h.to),
    );
    s.acceptedAt = accepted ? accepted.t : null;
  }
  return segments;
}

/** Gaps every clock of the ticket shares: pause statuses, and resolved or closed. */
function statusGaps(ticket: Ticket, pauseStatuses: readonly TicketStatus[]): Gap[] {
  const gaps: Gap[] = [];
  let status: TicketStatus = 'new';
  let since = ms(ticket.receivedAt);
  const close = (until: number) => {
    if (until <= since) return;
    if (DONE.has(status)) gaps.push({ start: since, end: until, reason: 'closed' });
    else if (pauseStatuses.includes(status)) gaps.push({ start: since, end: until, reason: 'status' });
  };
  for (const h of sortedHistory(ticket)) {
    close(h.t);
    status = h.to;
    since = Math.max(since, h.t);
  }
  close(Number.POSITIVE_INFINITY);
  return gaps;
}

/** When `side` does not hold the ticket, or holds it but has not accepted it yet. */
function ownershipGaps(segments: readonly Segment[], side: SlaSide): Gap[] {
  const gaps: Gap[] = [];
  for (const s of segments) {
    if (s.side !== side) gaps.push({ start: s.from, end: s.to, reason: 'handedOff' });
    else if (s.acceptedAt === null) gaps.push({ start: s.from, end: s.to, reason: 'awaitingAcceptance' });
    else if (s.acceptedAt > s.from)
      gaps.push({ start: s.from, end: s.acceptedAt, reason: 'awaitingAcceptance' });
  }
  return gaps;
}

/** Clip gaps to [start, end) and merge overlapping ones; a merged gap keeps its strongest reason. */
export function mergeGaps(gaps: readonly Gap[], start: number, end: number): Gap[] {
  const clipped = gaps
    .map((g) => ({ start: Math.max(g.start, start), end: Math.min(g.end, end), reason: g.reason }))
    .filter((g) => g.end > g.start)
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Gap[] = [];
  for (const g of clipped) {
    const last = out.at(-1);
    if (last && g.start <= last.end) {
      // The reason that matters is the one in force at the merged gap's end.
      if (g.end > last.end || (g.end === last.end && REASON_RANK[g.reason] > REASON_RANK[last.reason])) {
        last.reason = g.reason;
      }
      last.end = Math.max(last.end, g.end);
    } else {
      out.push({ ...g });
    }
  }
  return out;
}

const inWindows = (windows: readonly Segment[], t: number) =>
  windows.some((s) => s.acceptedAt !== null && t >= s.acceptedAt && t < s.to);

/** Every clock the ticket should have now, per side and target. */
export function planClocks(ticket: Ticket, dow: DivisionOfWork): ClockPlan[] {
  if (!ticket.owner || !ticket.priority) return [];
  const policy = dow.slaPolicy;
  const priority = ticket.priority;
  const segments = ownershipSegments(ticket);
  const history = sortedHistory(ticket);
  const shared = statusGaps(ticket, policy.pauseStatuses);
  const plans: ClockPlan[] = [];
  const targets = (side: SlaSide) => dow.slaTargets[side][priority];
  const one = (startedAt: number, gaps: Gap[], completedAt: number | null): CyclePlan => ({
    cycle: 0,
    startedAt,
    pauses: mergeGaps(gaps, startedAt, completedAt ?? Number.POSITIVE_INFINITY),
    completedAt,
    endsAt: Number.POSITIVE_INFINITY,
  });

  // First response: the side the ticket was routed to, until it answers or hands the ticket on.
  const routed = segments[0]!;
  const responded = ticket.firstRespondedAt ? ms(ticket.firstRespondedAt) : null;
  const answered = responded !== null && responded <= routed.to ? responded : null;
  plans.push({
    clockId: `${routed.side}.firstResponse`,
    side: routed.side,
    target: 'firstResponse',
    owner: routed.owner,
    priority,
    targetMinutes: targets(routed.side).firstResponseMinutes,
    cycles: [
      one(
        routed.from,
        [...shared, { start: routed.to, end: Number.POSITIVE_INFINITY, reason: 'handedOff' }],
        answered,
      ),
    ],
  });

  // Handoffs: from the handoff until the receiving side takes the ticket up.
  for (const s of segments.slice(1)) {
    plans.push({
      clockId: `${s.side}.handoff.${s.ordinal}`,
      side: s.side,
      target: 'handoff',
      owner: s.owner,
      priority,
      targetMinutes: policy.handoffAcceptanceMinutes ?? targets(s.side).firstResponseMinutes,
      cycles: [
        one(
          s.from,
          [...shared, { start: s.to, end: Number.POSITIVE_INFINITY, reason: 'handedOff' }],
          s.acceptedAt,
        ),
      ],
    });
  }

  const reopens = history.filter((h) => h.to === 'reopened').map((h) => h.t);
  const dones = history.filter((h) => DONE.has(h.to)).map((h) => h.t);
  for (const side of ['partner', 'internal'] as const) {
    const mine = segments.filter((s) => s.side === side);
    const windows = mine.filter((s) => s.acceptedAt !== null);
    if (windows.length === 0) continue;
    const owner = mine.at(-1)!.owner;
    const gaps = [...shared, ...ownershipGaps(segments, side)];
    const firstActive = (from: number, to: number) => {
      for (const w of windows) {
        const a = Math.max(w.acceptedAt!, from);
        if (a < Math.min(w.to, to)) return a;
      }
      return null;
    };

    // Resolution: while this side holds and has accepted the ticket, less pauses.
    const spans =
      policy.reopen === 'restart'
        ? [Number.NEGATIVE_INFINITY, ...reopens].map((from, i) => ({
            from,
            to: reopens[i] ?? Number.POSITIVE_INFINITY,
            cycle: i,
          }))
        : [{ from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY, cycle: 0 }];
    const cycles: CyclePlan[] = [];
    for (const span of spans) {
      const startedAt = firstActive(span.from, span.to);
      if (startedAt === null) continue;
      // Resume: the ticket's current resolution (a reopen clears it); restart: the first in the period.
      const done =
        policy.reopen === 'restart'
          ? (dones.find((t) => t >= startedAt && t < span.to) ?? null)
          : ticket.resolvedAt
            ? ms(ticket.resolvedAt)
            : null;
      const completedAt = done !== null && inWindows(windows, done) ? done : null;
      cycles.push({
        cycle: span.cycle,
        startedAt,
        // A reopen ends a restarted period: its clock stops there.
        pauses: mergeGaps(
          [...gaps, { start: span.to, end: Number.POSITIVE_INFINITY, reason: 'closed' }],
          startedAt,
          completedAt ?? Number.POSITIVE_INFINITY,
        ),
        completedAt,
        endsAt: completedAt ?? span.to,
      });
    }
    // The current period is the last one in which this side worked the ticket.
    const last = cycles.at(-1);
    if (last) last.endsAt = Number.POSITIVE_INFINITY;
    if (cycles.length > 0) {
      plans.push({
        clockId: `${side}.resolution`,
        side,
        target: 'resolution',
        owner,
        priority,
        targetMinutes: targets(side).resolutionMinutes,
        cycles,
      });
    }

    // Next update: after the first response, each update by this side starts a new period.
    const every = targets(side).nextUpdateMinutes;
    if (every === undefined || responded === null) continue;
    const starts = history
      .filter(
        (h) =>
          h.t >= responded &&
          inWindows(windows, h.t) &&
          ((h.by.role === side && UPDATING.has(h.to)) || h.to === 'reopened'),
      )
      .map((h) => h.t)
      .filter((t, i, all) => i === 0 || t !== all[i - 1]);
    if (starts.length === 0) continue;
    plans.push({
      clockId: `${side}.nextUpdate`,
      side,
      target: 'nextUpdate',
      owner,
      priority,
      targetMinutes: every,
      cycles: starts.map((startedAt, i) => {
        const next = starts[i + 1] ?? Number.POSITIVE_INFINITY;
        const done = dones.find((t) => t >= startedAt && t < next);
        const completedAt = done ?? (next === Number.POSITIVE_INFINITY ? null : next);
        return {
          cycle: i,
          startedAt,
          pauses: mergeGaps(gaps, startedAt, completedAt ?? Number.POSITIVE_INFINITY),
          completedAt,
          endsAt: i === starts.length - 1 ? Number.POSITIVE_INFINITY : (completedAt ?? next),
        };
      }),
    });
  }
  return plans;
}
