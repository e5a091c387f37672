import { businessTimeBetween, type Calendar } from '@psa/common/calendar';
import type { DivisionOfWork } from '@psa/common/division-of-work';
import { SlaBreached, SlaMet, type SlaTarget, SlaWarning, toBusEvent } from '@psa/common/events';
import { eventEntry } from '@psa/common/outbox';
import type { OutboxEntry } from '@psa/common/ports';
import { dueAfter, type SlaClockRecord } from '@psa/common/sla-clock';
import type { Ticket } from '@psa/common/ticket';

export const DEFAULT_WARN_FRACTIONS = [0.75, 0.9] as const;
export const TARGETS: readonly SlaTarget[] = ['firstResponse', 'resolution'];

/** The calendar a side's clock runs on: partner coverage (24x7 by default) or internal hours. */
export function calendarOf(side: 'partner' | 'internal', dow: DivisionOfWork): Calendar {
  return side === 'internal' ? dow.internalCalendar : dow.partnerCoverage.calendar;
}

/** Triage is worked by the partner's service desk, so it runs on the partner's terms. */
const sideOf = (owner: Ticket['owner']): 'partner' | 'internal' =>
  owner === 'internal' ? 'internal' : 'partner';

/** Start a clock for a routed ticket, on its owner's calendar, from the moment it was received. */
export function startClock(ticket: Ticket, target: SlaTarget, dow: DivisionOfWork): SlaClockRecord {
  const side = sideOf(ticket.owner);
  const cal = calendarOf(side, dow);
  const policy = dow.slaTargets[side][ticket.priority!];
  const targetMinutes = target === 'firstResponse' ? policy.firstResponseMinutes : policy.resolutionMinutes;
  const start = new Date(ticket.receivedAt);
  return {
    tenantId: ticket.tenantId,
    ticketId: ticket.id,
    target,
    owner: ticket.owner!,
    priority: ticket.priority!,
    calendar: side,
    targetMinutes,
    startedAt: ticket.receivedAt,
    dueAt: dueAfter(cal, start, targetMinutes).toISOString(),
    warnAt: Object.fromEntries(
      DEFAULT_WARN_FRACTIONS.map((f) => [String(f), dueAfter(cal, start, targetMinutes * f).toISOString()]),
    ),
    warned: [],
    completedAt: null,
    met: null,
    breached: false,
    breachedAt: null,
    ticketVersion: ticket.version,
    rev: 0,
  };
}

/** The instant the ticket satisfied this target, if it has. */
function completionOf(ticket: Ticket, target: SlaTarget): string | null {
  return target === 'firstResponse' ? ticket.firstRespondedAt : ticket.resolvedAt;
}

/**
 * Bring a clock up to date with its ticket and with `now`: record completion (or undo it on a
 * reopen), send each warning and the breach that fell due. Returns the new clock and the events
 * to publish, or null when nothing changed. Event ids are deterministic per ticket, target and
 * threshold, and the caller writes conditionally on the clock's revision, so each is published
 * exactly once however often this runs.
 */
export function advanceClock(
  clock: SlaClockRecord,
  ticket: Ticket,
  cal: Calendar,
  now: Date,
): { clock: SlaClockRecord; events: OutboxEntry[] } | null {
  const next: SlaClockRecord = {
    ...clock,
    warned: [...clock.warned],
    ticketVersion: Math.max(clock.ticketVersion, ticket.version),
  };
  const events: OutboxEntry[] = [];
  const completion = completionOf(ticket, clock.target);
  if (completion && !next.completedAt) {
    next.completedAt = completion;
    // Compare instants, not strings: the ticket's ISO text may differ in precision from dueAt's.
    next.met = Date.parse(completion) <= Date.parse(next.dueAt);
  } else if (!completion && next.completedAt) {
    next.completedAt = null;
    next.met = null;
  }
  const until = next.completedAt ? new Date(next.completedAt) : now;
  const elapsedMinutes = () =>
    Math.round((businessTimeBetween(cal, new Date(next.startedAt), until) / 60_000) * 10) / 10;
  const base = {
    occurredAt: now.toISOString(),
    tenantId: clock.tenantId,
    ticketId: clock.ticketId,
    target: clock.target,
    owner: clock.owner,
    priority: clock.priority,
    dueAt: clock.dueAt,
    targetMinutes: clock.targetMinutes,
  };
  if (!next.completedAt) {
    for (const [fraction, at] of Object.entries(next.warnAt)) {
      const f = Number(fraction);
      if (next.warned.includes(f) || new Date(at) > now) continue;
      next.warned.push(f);
      const eventId = `${clock.ticketId}:${clock.target}:warn:${fraction}`;
      events.push(
        eventEntry(
          eventId,
          toBusEvent(SlaWarning, {
            ...base,
            eventId,
            threshold: f,
            elapsedBusinessMinutes: elapsedMinutes(),
          }),
        ),
      );
    }
  }
  const breachedAt =
    next.completedAt && !next.met
      ? next.completedAt
      : !next.completedAt && new Date(next.dueAt) <= now
        ? now.toISOString()
        : null;
  if (breachedAt && !next.breached) {
    next.breached = true;
    next.breachedAt = breachedAt;
    const eventId = `${clock.ticketId}:${clock.target}:breach`;
    events.push(
      eventEntry(
        eventId,
        toBusEvent(SlaBreached, { ...base, eventId, elapsedBusinessMinutes: elapsedMinutes() }),
      ),
    );
  }
  if (next.completedAt && next.met && next.completedAt !== clock.completedAt) {
    const eventId = `${clock.ticketId}:${clock.target}:met:${next.completedAt}`;
    events.push(
      eventEntry(
        eventId,
        toBusEvent(SlaMet, {
          ...base,
          eventId,
          completedAt: next.completedAt,
          elapsedBusinessMinutes: elapsedMinutes(),
        }),
      ),
    );
  }
  const changed =
    clock.rev === 0 ||
    events.length > 0 ||
    next.completedAt !== clock.completedAt ||
    next.met !== clock.met ||
    next.ticketVersion !== clock.ticketVersion;
  return changed ? { clock: { ...next, rev: clock.rev + 1 }, events } : null;
}
