import { wallClockToInstant } from '@psa/calendar/business-time';
import type { DivisionOfWork } from '@psa/model/division-of-work';
import { ValidationError } from '@psa/model/errors';
import type { TicketStore } from '@psa/model/ports';
import { isOpenStatus, type Owner, type RoutingRule, type Ticket } from '@psa/model/ticket';
import { decideRouting, type RouteOutcome } from './decide.ts';

/**
 * Replaying a month of tickets through a division of work, without side effects: the shared core
 * of what-if simulation and routing coverage.
 *
 * Each ticket is decided as it arrived: at its arrival time (so after-hours and holidays apply as
 * they did) with the internal open backlog of that moment, reconstructed from the tickets
 * themselves. A ticket counts towards the backlog at instant x when it arrived before x, was open
 * at x (its status history: resolved or closed stops it, reopened restarts it) and was owned by
 * internal at x (its routed owner, then each handoff at its time). Tickets from before the month
 * that were still open carry over into it.
 */

const DAY = 86_400_000;
const OWNERS: readonly Owner[] = ['partner', 'internal', 'triage'];

/**
 * How the backlog of the replay is counted.
 * - `actual`: the internal backlog exactly as it was (every ticket with the owner it really had).
 *   A proposal then changes decisions but not the backlog they see, so its effect is isolated.
 * - `replayed`: the month's tickets count with the owner the replayed document gives them (and
 *   their handoffs as they happened), so a proposal that takes work off internal also lowers the
 *   backlog and with it overflow. Resolution times are those that really happened.
 */
export type BacklogMode = 'actual' | 'replayed';

export interface MonthWindow {
  month: string;
  timeZone: string;
  /** First instant of the month in the zone. */
  start: Date;
  /** First instant of the next month in the zone. */
  end: Date;
}

/** `YYYY-MM` as the instants it spans in `timeZone`. */
export function monthWindow(month: string, timeZone: string): MonthWindow {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return {
    month,
    timeZone,
    start: wallClockToInstant(timeZone, `${month}-01`, '00:00'),
    end: wallClockToInstant(timeZone, `${next}-01`, '00:00'),
  };
}

/** The owner the router gave a ticket, before any handoff; null when it is not routed yet. */
export function routedOwner(t: Ticket): Owner | null {
  if (!t.routing) return null;
  return t.handoffs?.[0]?.from ?? t.owner;
}

/** One ticket of the month, replayed. */
export interface ReplayedTicket {
  ticket: Ticket;
  /** The internal open backlog the replayed decision saw (by the chosen mode). */
  backlog: number;
  /** The internal open backlog as it actually was at arrival. */
  actualBacklog: number;
  outcome: RouteOutcome;
}

export interface Replay {
  window: MonthWindow;
  backlogMode: BacklogMode;
  /** Routed tickets received in the month, in arrival order. */
  tickets: ReplayedTicket[];
  /** Tickets received in the month that are not routed yet (left out). */
  unrouted: number;
  /** Internal tickets open when the month began (carried over), as it actually was. */
  backlogAtMonthStart: number;
}

/** A +1/-1 change of the internal open backlog; `seq` orders arrivals at the same instant. */
interface BacklogEvent {
  at: number;
  seq: number;
  delta: 1 | -1;
}

/** Non-arrival changes at an instant apply before any arrival at it (intervals are half-open). */
const CHANGE_SEQ = -1;

/** A binary min-heap of backlog events by (at, seq). */
class EventHeap {
  private readonly items: BacklogEvent[] = [];
  private static less(a: BacklogEvent, b: BacklogEvent): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }
  push(e: BacklogEvent): void {
    const h = this.items;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!EventHeap.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  /** Sum of the deltas of every event before (at, seq), removing them. */
  drainBefore(at: number, seq: number): number {
    const h = this.items;
    let sum = 0;
    while (h.length > 0 && (h[0]!.at < at || (h[0]!.at === at && h[0]!.seq < seq))) {
      sum += h[0]!.delta;
      const last = h.pop()!;
      if (h.length === 0) break;
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && EventHeap.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && EventHeap.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return sum;
  }
}

/**
 * When a ticket was in the internal open backlog, as +1/-1 events: from its arrival with
 * `initialOwner`, through its status changes and handoffs in time order.
 */
export function backlogEvents(t: Ticket, initialOwner: Owner, seq: number): BacklogEvent[] {
  const received = Date.parse(t.receivedAt);
  const changes: { at: number; open?: boolean; owner?: Owner }[] = [
    ...t.history.map((h) => ({ at: Date.parse(h.at), open: isOpenStatus(h.to) })),
    ...(t.handoffs ?? []).map((h) => ({ at: Date.parse(h.at), owner: h.to })),
  ].sort((a, b) => a.at - b.at);
  let open = true;
  let owner = initialOwner;
  let inBacklog = owner === 'internal';
  const out: BacklogEvent[] = inBacklog ? [{ at: received, seq, delta: 1 }] : [];
  for (const c of changes) {
    if (c.open !== undefined) open = c.open;
    if (c.owner !== undefined) owner = c.owner;
    const now = open && owner === 'internal';
    if (now !== inBacklog) {
      out.push({ at: Math.max(c.at, received), seq: CHANGE_SEQ, delta: now ? 1 : -1 });
      inBacklog = now;
    }
  }
  return out;
}

/**
 * Replays the month's tickets through `document`. Pure: `tickets` may hold any tickets of the
 * tenant (the month's and earlier ones that may carry over; later ones are ignored).
 */
export function replayMonth(input: {
  window: MonthWindow;
  tickets: readonly Ticket[];
  document: DivisionOfWork;
  backlog: BacklogMode;
}): Replay {
  const start = input.window.start.getTime();
  const end = input.window.end.getTime();
  const month: Ticket[] = [];
  const actual = new EventHeap();
  const replayed = new EventHeap();
  let unrouted = 0;
  for (const t of input.tickets) {
    const at = Date.parse(t.receivedAt);
    if (at >= end) continue;
    const owner = routedOwner(t);
    if (at >= start) {
      if (owner) month.push(t);
      else unrouted++;
    } else if (owner) {
      for (const e of backlogEvents(t, owner, CHANGE_SEQ)) {
        actual.push(e);
        replayed.push(e);
      }
    }
  }
  month.sort((a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt) || a.number - b.number);

  // Open at the first instant of the month: changes at that instant count, arrivals do not exist.
  let actualCount = actual.drainBefore(start, 0);
  let replayedCount = replayed.drainBefore(start, 0);
  const backlogAtMonthStart = actualCount;
  month.forEach((t, seq) => {
    for (const e of backlogEvents(t, routedOwner(t)!, seq)) actual.push(e);
  });

  const out: ReplayedTicket[] = [];
  month.forEach((t, seq) => {
    const at = Date.parse(t.receivedAt);
    actualCount += actual.drainBefore(at, seq);
    replayedCount += replayed.drainBefore(at, seq);
    const backlog = input.backlog === 'actual' ? actualCount : replayedCount;
    const outcome = decideRouting({
      subject: t.subject,
      body: t.body,
      requesterEmail: t.requester.email,
      channel: t.channel,
      requestedPriority: t.requestedPriority,
      receivedAt: new Date(at),
      internalOpenBacklog: backlog,
      dow: input.document,
    });
    for (const e of backlogEvents(t, outcome.owner, seq)) replayed.push(e);
    out.push({ ticket: t, backlog, actualBacklog: actualCount, outcome });
  });
  return {
    window: input.window,
    backlogMode: input.backlog,
    tickets: out,
    unrouted,
    backlogAtMonthStart,
  };
}

/** What a decision came to, actual or replayed, in the terms the summaries count. */
export interface DecisionFacts {
  owner: Owner;
  workload: string | null;
  rule: RoutingRule;
  afterHours: boolean;
  handleMinutes: number;
  overflow: boolean;
}

export function actualFacts(t: Ticket): DecisionFacts {
  return {
    owner: routedOwner(t)!,
    workload: t.workload,
    rule: t.routing!.rule,
    afterHours: t.afterHours ?? t.routing!.flags.afterHours,
    handleMinutes: t.handleMinutes ?? 0,
    overflow: t.routing!.flags.overflow,
  };
}

export function replayedFacts(r: ReplayedTicket): DecisionFacts {
  return {
    owner: r.outcome.owner,
    workload: r.outcome.workload,
    rule: r.outcome.routing.rule,
    afterHours: r.outcome.afterHours,
    handleMinutes: r.outcome.handleMinutes,
    overflow: r.outcome.routing.flags.overflow,
  };
}

const RULES: readonly RoutingRule[] = [
  'guardrail',
  'vip',
  'workload-owner',
  'after-hours',
  'overflow',
  'triage',
];
const zeroes = <K extends string>(ks: readonly K[]) =>
  Object.fromEntries(ks.map((k) => [k, 0])) as Record<K, number>;
/** n / d to three decimals; null for an empty month. */
export const ratio = (n: number, d: number): number | null =>
  d === 0 ? null : Math.round((n / d) * 1000) / 1000;
/** Label of "no workload recognised" in per-workload counts. */
export const UNRECOGNISED = 'unrecognised';

/** The month's routing in numbers, by the same definitions as the relief report. */
export interface RoutingStats {
  tickets: number;
  ticketsByOwner: Record<Owner, number>;
  /** Partner-owned / all tickets. */
  partnerShare: number | null;
  afterHours: { tickets: number; byOwner: Record<Owner, number>; absorbedByPartner: number };
  /** Handle minutes of partner-owned tickets: the internal time they freed. */
  partnerHandleMinutes: number;
  internalHoursFreed: number;
  /** Tickets per workload (`unrecognised` for none); every workload of `workloadIds` is listed. */
  workloadHits: Record<string, number>;
  ruleCounts: Record<RoutingRule, number>;
}

export function routingStats(
  decisions: readonly DecisionFacts[],
  workloadIds: readonly string[],
): RoutingStats {
  const byOwner = zeroes(OWNERS);
  const afterHoursByOwner = zeroes(OWNERS);
  const workloadHits: Record<string, number> = { ...zeroes(workloadIds), [UNRECOGNISED]: 0 };
  const ruleCounts = zeroes(RULES);
  let partnerMinutes = 0;
  for (const d of decisions) {
    byOwner[d.owner]++;
    if (d.afterHours) afterHoursByOwner[d.owner]++;
    if (d.owner === 'partner') partnerMinutes += d.handleMinutes;
    const w = d.workload ?? UNRECOGNISED;
    workloadHits[w] = (workloadHits[w] ?? 0) + 1;
    ruleCounts[d.rule]++;
  }
  const afterHours = OWNERS.reduce((n, o) => n + afterHoursByOwner[o], 0);
  return {
    tickets: decisions.length,
    ticketsByOwner: byOwner,
    partnerShare: ratio(byOwner.partner, decisions.length),
    afterHours: {
      tickets: afterHours,
      byOwner: afterHoursByOwner,
      absorbedByPartner: afterHoursByOwner.partner,
    },
    partnerHandleMinutes: partnerMinutes,
    internalHoursFreed: Math.round((partnerMinutes / 60) * 100) / 100,
    workloadHits,
    ruleCounts,
  };
}

/** One ticket whose replayed decision differs from what happened. */
export interface DecisionChange {
  id: string;
  key: string;
  subject: string;
  receivedAt: string;
  actual: { owner: Owner; rule: RoutingRule; workload: string | null; divisionOfWorkVersion: number };
  replayed: { owner: Owner; rule: RoutingRule; workload: string | null; reasons: string[] };
  /** Which of owner, workload and rule differ. */
  differs: ('owner' | 'workload' | 'rule')[];
}

export function compareDecision(r: ReplayedTicket): DecisionChange | null {
  const a = actualFacts(r.ticket);
  const b = replayedFacts(r);
  const differs: DecisionChange['differs'] = [];
  if (a.owner !== b.owner) differs.push('owner');
  if (a.workload !== b.workload) differs.push('workload');
  if (a.rule !== b.rule) differs.push('rule');
  if (differs.length === 0) return null;
  const t = r.ticket;
  return {
    id: t.id,
    key: t.key,
    subject: t.subject,
    receivedAt: t.receivedAt,
    actual: {
      owner: a.owner,
      rule: a.rule,
      workload: a.workload,
      divisionOfWorkVersion: t.routing!.divisionOfWorkVersion,
    },
    replayed: { owner: b.owner, rule: b.rule, workload: b.workload, reasons: r.outcome.routing.reasons },
    differs,
  };
}

/**
 * How faithful the backlog reconstruction is: for each ticket whose decision recorded whether
 * overflow was in force, does the reconstructed actual backlog say the same under the overflow
 * limit of the version that decided it?
 */
export function backlogCheck(
  replay: Replay,
  overflowLimitByVersion: ReadonlyMap<number, number>,
): { compared: number; agreed: number } {
  let compared = 0;
  let agreed = 0;
  for (const r of replay.tickets) {
    const limit = overflowLimitByVersion.get(r.ticket.routing!.divisionOfWorkVersion);
    if (limit === undefined) continue;
    compared++;
    if (r.actualBacklog > limit === r.ticket.routing!.flags.overflow) agreed++;
  }
  return { compared, agreed };
}

export interface LoadedTickets {
  tickets: Ticket[];
  read: { ticketsIndex: number; openIndex: number };
  lookbackDays: number;
}

export interface LoadOptions {
  /** How far before the month tickets are read for carry-over (older ones still open come from the open index). */
  lookbackDays?: number;
  /** Refuse to read more than this many tickets (a request must finish within the API's 30 s). */
  maxTickets?: number;
  /** Where a refusal points (`body.month`, `query.month`). */
  monthPath?: string;
}

export const DEFAULT_LOOKBACK_DAYS = 90;
export const DEFAULT_MAX_TICKETS = 50_000;

/**
 * The tickets a replay of `window` needs: the month's, plus those that may carry over into it.
 * Reads the tickets index newest first down to `lookbackDays` before the month, then the open
 * index (all owners) for anything older that is still open. Its cost grows with the tickets
 * received since the lookback start, never with the tenant's whole history. What it cannot see:
 * a ticket received before the lookback window, open at the month's start and resolved since.
 */
export async function loadReplayTickets(
  tenantId: string,
  window: MonthWindow,
  deps: { tickets: Pick<TicketStore, 'list' | 'listOpen'> },
  opts: LoadOptions = {},
): Promise<LoadedTickets> {
  const lookbackDays = opts.lookbackDays ?? DEFAULT_LOOKBACK_DAYS;
  const maxTickets = opts.maxTickets ?? DEFAULT_MAX_TICKETS;
  const from = window.start.getTime() - lookbackDays * DAY;
  const end = window.end.getTime();
  const found = new Map<string, Ticket>();
  let read = 0;
  let cursor: string | undefined;
  let done = false;
  while (!done) {
    const page = await deps.tickets.list({ tenantId, limit: 250, ...(cursor ? { cursor } : {}) });
    for (const t of page.items) {
      const at = Date.parse(t.receivedAt);
      if (at < from) {
        done = true;
        break;
      }
      read++;
      if (at < end) found.set(t.id, t);
    }
    if (read > maxTickets) {
      throw new ValidationError(
        `replaying ${window.month} would read more than ${maxTickets} tickets (everything received since ${lookbackDays} days before it); run \`psa simulate\` against the table instead`,
        [{ path: opts.monthPath ?? 'month', message: `too many tickets to replay in one request` }],
      );
    }
    cursor = page.nextCursor ?? undefined;
    if (!cursor) done = true;
  }
  let openRead = 0;
  for (const owner of OWNERS) {
    for (const t of await deps.tickets.listOpen(tenantId, owner)) {
      openRead++;
      if (Date.parse(t.receivedAt) < end && !found.has(t.id)) found.set(t.id, t);
    }
  }
  return { tickets: [...found.values()], read: { ticketsIndex: read, openIndex: openRead }, lookbackDays };
}
