import { addBusinessTime, businessTimeBetween, type Pause } from '@psa/calendar/business-time';
import type { Calendar } from '@psa/calendar/resolved';
import type { DivisionOfWork } from '@psa/model/division-of-work';
import { SlaBreached, SlaMet, SlaWarning, toBusEvent } from '@psa/model/events';
import { eventEntry, mailEntry } from '@psa/model/outbox';
import type { OutboxEntry } from '@psa/model/ports';
import { type SlaClockRecord, SlaClockRecordSchema, type SlaSide } from '@psa/model/sla-clock';
import type { Ticket } from '@psa/model/ticket';
import { type ClockPlan, type CyclePlan, type Gap, planClocks } from './plan.ts';

const MINUTE = 60_000;
const INF = Number.POSITIVE_INFINITY;
const iso = (t: number) => new Date(t).toISOString();
const minutes = (ms: number) => Math.round((ms / MINUTE) * 10) / 10;

/** The calendar a side's clock runs on: partner coverage (24x7 by default) or internal hours. */
export function calendarOf(side: SlaSide, dow: DivisionOfWork): Calendar {
  return side === 'internal' ? dow.internalCalendar : dow.partnerCoverage.calendar;
}

export interface AdvanceContext {
  ticket: Ticket;
  dow: DivisionOfWork;
  now: Date;
}

/** Due and warning instants of one period, and the pause it is in, if any. */
interface Figures {
  dueAt: number | null;
  warnAt: Map<number, number>;
  open: Gap | null;
  closed: Pause[];
}

function figuresOf(
  cycle: CyclePlan,
  targetMinutes: number,
  fractions: readonly number[],
  cal: Calendar,
): Figures {
  const open = cycle.completedAt === null ? (cycle.pauses.find((p) => p.end === INF) ?? null) : null;
  const closed = cycle.pauses
    .filter((p) => p.end !== INF)
    .map((p) => ({ start: new Date(p.start), end: new Date(p.end) }));
  // Before the open pause began the maths is the same as if it never ends, so an instant reached
  // before it is final; one beyond it is not known until the clock runs again.
  const at = (fraction: number) => {
    const t = addBusinessTime(cal, new Date(cycle.startedAt), fraction * targetMinutes * MINUTE, {
      pauses: closed,
    }).getTime();
    return open && t > open.start ? null : t;
  };
  const warnAt = new Map<number, number>();
  for (const f of fractions) {
    const t = at(f);
    if (t !== null) warnAt.set(f, t);
  }
  return { dueAt: at(1), warnAt, open, closed };
}

/** Business milliseconds a period has run by `at` (never past its completion or its end). */
function elapsedMs(cycle: CyclePlan, fig: Figures, cal: Calendar, at: number): number {
  const end = Math.min(at, cycle.completedAt ?? INF, cycle.endsAt);
  if (end <= cycle.startedAt) return 0;
  const pauses = fig.open
    ? [...fig.closed, { start: new Date(fig.open.start), end: new Date(Math.max(end, fig.open.start)) }]
    : fig.closed;
  return businessTimeBetween(cal, new Date(cycle.startedAt), new Date(end), { pauses });
}

const LABELS: Record<SlaClockRecord['target'], string> = {
  firstResponse: 'first response',
  resolution: 'resolution',
  nextUpdate: 'next update',
  handoff: 'handoff acceptance',
};

/** The breach notice to the side's dispatch address (the policy's `breachNotify`), if it has one. */
function breachMail(
  eventId: string,
  plan: ClockPlan,
  ctx: AdvanceContext,
  dueAt: string,
  elapsedMinutes: number,
): OutboxEntry | null {
  const to = ctx.dow.slaPolicy.breachNotify[plan.side];
  const from = ctx.dow.supportAddresses[0];
  if (!to || !from) return null;
  const { ticket } = ctx;
  const label = LABELS[plan.target];
  const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ').slice(0, 200);
  return mailEntry(`${eventId}:mail`, {
    from,
    to,
    subject: `[${ticket.key}] SLA breached: ${label} (${plan.priority}, ${plan.owner})`,
    text: [
      `The ${label} target of ${ticket.key} was breached.`,
      '',
      `Ticket:   ${ticket.key} ${oneLine(ticket.subject)}`,
      `Owner:    ${plan.owner} (${plan.side} calendar)`,
      `Priority: ${plan.priority}`,
      `Target:   ${plan.targetMinutes} business minutes`,
      `Due:      ${dueAt}`,
      `Elapsed:  ${elapsedMinutes} business minutes`,
      `Link:     /v1/tenants/${ticket.tenantId}/tickets/${ticket.id}`,
    ].join('\n'),
    // Message-ID local parts allow no ':'; the id stays unique per ticket, clock and period.
    messageId: `sla.${eventId.replace(/[^A-Za-z0-9.#-]/g, '.')}@${from.split('@')[1]}`,
  });
}

/** Key order does not matter when comparing stored state (DynamoDB maps keep none). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}
const STATE_FIELDS = Object.keys(SlaClockRecordSchema.shape).filter((f) => f !== 'rev');
const sameState = (a: SlaClockRecord, b: SlaClockRecord) =>
  STATE_FIELDS.every(
    (f) =>
      canonical(a[f as keyof SlaClockRecord] ?? null) === canonical(b[f as keyof SlaClockRecord] ?? null),
  );

/**
 * Bring a stored clock (null: none yet) to its plan at `now`: the current period's due and
 * warning instants, completion and pause; each warning and the breach that fell due; the breach
 * (and SlaMet) of earlier periods not yet announced. Returns the new clock (rev + 1) and the
 * outbox entries to write with it, or null when nothing changed. Event ids are deterministic per
 * ticket, clock, period and threshold, and the caller writes conditionally on the clock's
 * revision, so each is published exactly once however often this runs.
 */
export function advanceClock(
  stored: SlaClockRecord | null,
  plan: ClockPlan,
  ctx: AdvanceContext,
): { clock: SlaClockRecord; events: OutboxEntry[] } | null {
  const { ticket, dow, now } = ctx;
  const cal = calendarOf(plan.side, dow);
  const fractions = dow.slaPolicy.warnAt;
  const target = plan.targetMinutes * MINUTE;
  const cur = plan.cycles.at(-1)!;
  const sameCycle = stored !== null && stored.cycle === cur.cycle;
  const events: OutboxEntry[] = [];
  const idOf = (cycle: number, what: string) =>
    `${ticket.id}:${plan.clockId}${cycle > 0 ? `#${cycle}` : ''}:${what}`;
  const detail = (cycle: number, eventId: string, dueAt: number | null, elapsed: number) => ({
    eventId,
    occurredAt: now.toISOString(),
    tenantId: ticket.tenantId,
    ticketId: ticket.id,
    target: plan.target,
    owner: plan.owner,
    priority: plan.priority,
    dueAt: iso(dueAt ?? now.getTime()),
    targetMinutes: plan.targetMinutes,
    elapsedBusinessMinutes: minutes(elapsed),
    clock: plan.clockId,
    cycle,
  });
  const breach = (cycle: number, dueAt: number | null, elapsed: number) => {
    const eventId = idOf(cycle, 'breach');
    const d = detail(cycle, eventId, dueAt, elapsed);
    events.push(eventEntry(eventId, toBusEvent(SlaBreached, d)));
    const mail = breachMail(eventId, plan, ctx, d.dueAt, d.elapsedBusinessMinutes);
    if (mail) events.push(mail);
  };
  const metEvent = (cycle: number, dueAt: number | null, completedAt: number, elapsed: number) => {
    const eventId = idOf(cycle, `met:${iso(completedAt)}`);
    events.push(
      eventEntry(
        eventId,
        toBusEvent(SlaMet, { ...detail(cycle, eventId, dueAt, elapsed), completedAt: iso(completedAt) }),
      ),
    );
  };

  // Earlier periods: announce what they came to, unless the stored clock already did.
  let priorBreaches = 0;
  for (const c of plan.cycles.slice(0, -1)) {
    const fig = figuresOf(c, plan.targetMinutes, fractions, cal);
    const elapsed = elapsedMs(c, fig, cal, INF);
    const breached = elapsed > target;
    if (breached) priorBreaches++;
    if (stored && c.cycle < stored.cycle) continue;
    const announced = stored !== null && c.cycle === stored.cycle;
    if (breached && !(announced && stored.breached)) breach(c.cycle, fig.dueAt, elapsed);
    else if (
      !breached &&
      c.completedAt !== null &&
      plan.target !== 'nextUpdate' &&
      !(announced && stored.completedAt === iso(c.completedAt))
    ) {
      metEvent(c.cycle, fig.dueAt, c.completedAt, elapsed);
    }
  }

  // The current period.
  const fig = figuresOf(cur, plan.targetMinutes, fractions, cal);
  const completedAt = cur.completedAt;
  const met = completedAt === null ? null : elapsedMs(cur, fig, cal, completedAt) <= target;
  const warned = sameCycle ? [...stored.warned] : [];
  let breached = sameCycle ? stored.breached : false;
  let breachedAt = sameCycle ? stored.breachedAt : null;
  const t = now.getTime();
  const elapsedNow = () => elapsedMs(cur, fig, cal, t);
  if (completedAt === null) {
    for (const [fraction, at] of fig.warnAt) {
      if (at > t || warned.includes(fraction)) continue;
      warned.push(fraction);
      const eventId = idOf(cur.cycle, `warn:${fraction}`);
      events.push(
        eventEntry(
          eventId,
          toBusEvent(SlaWarning, {
            ...detail(cur.cycle, eventId, fig.dueAt, elapsedNow()),
            threshold: fraction,
          }),
        ),
      );
    }
  }
  const lateCompletion = completedAt !== null && met === false;
  const overdue = completedAt === null && fig.dueAt !== null && fig.dueAt <= t;
  if (!breached && (lateCompletion || overdue)) {
    breached = true;
    breachedAt = iso(fig.dueAt ?? completedAt ?? t);
    breach(cur.cycle, fig.dueAt, elapsedNow());
  }
  if (
    completedAt !== null &&
    met &&
    plan.target !== 'nextUpdate' &&
    !(sameCycle && stored.completedAt === iso(completedAt))
  ) {
    metEvent(cur.cycle, fig.dueAt, completedAt, elapsedNow());
  }

  const next: SlaClockRecord = {
    tenantId: ticket.tenantId,
    ticketId: ticket.id,
    clockId: plan.clockId,
    target: plan.target,
    owner: plan.owner,
    priority: plan.priority,
    calendar: plan.side,
    targetMinutes: plan.targetMinutes,
    cycle: cur.cycle,
    startedAt: iso(cur.startedAt),
    pauses: cur.pauses.map((g) => ({ start: iso(g.start), end: g.end === INF ? null : iso(g.end) })),
    pausedFor: fig.open ? fig.open.reason : null,
    dueAt: fig.dueAt === null ? null : iso(fig.dueAt),
    warnAt: Object.fromEntries([...fig.warnAt].map(([f, at]) => [String(f), iso(at)])),
    warned,
    completedAt: completedAt === null ? null : iso(completedAt),
    met,
    breached,
    breachedAt,
    priorBreaches,
    deferredUntil: stored?.deferredUntil ?? null,
    ticketVersion: Math.max(stored?.ticketVersion ?? 0, ticket.version),
    rev: stored?.rev ?? 0,
  };
  if (stored && events.length === 0 && sameState(stored, next)) return null;
  // Any real change brings a deferred clock back into the sweep's normal schedule.
  return { clock: { ...next, deferredUntil: null, rev: (stored?.rev ?? 0) + 1 }, events };
}

/** A clock taken out of the plan (e.g. a handoff that did not happen): kept, but never due. */
export function withdrawClock(clock: SlaClockRecord): SlaClockRecord | null {
  if (clock.pausedFor === 'withdrawn') return null;
  return {
    ...clock,
    pausedFor: 'withdrawn',
    dueAt: null,
    warnAt: {},
    deferredUntil: null,
    rev: clock.rev + 1,
  };
}

/**
 * The clocks a routed ticket starts with at `now`, as the first sync writes them (rev 1): for
 * bulk loads and tests that need many clocks without running a sync per ticket.
 */
export function initialClocks(ticket: Ticket, dow: DivisionOfWork, now: Date): SlaClockRecord[] {
  return planClocks(ticket, dow).flatMap((plan) => {
    const first = advanceClock(null, plan, { ticket, dow, now });
    return first ? [first.clock] : [];
  });
}
