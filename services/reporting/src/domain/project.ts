import { isBusinessTime } from '@psa/calendar/business-time';
import type { DivisionOfWork } from '@psa/model/division-of-work';
import { monthOf } from '@psa/model/month';
import type { MessageStore, TenantStore, TicketStore } from '@psa/model/ports';
import type { ReportStore, TicketFact } from '@psa/model/report-facts';
import type { SlaClockRecord, SlaStore } from '@psa/model/sla-clock';
import type { Ticket, TicketMessage } from '@psa/model/ticket';

export interface ProjectDeps {
  tickets: TicketStore;
  /** Read for resolved alert tickets only: whether anyone acted on the alert. */
  messages?: MessageStore;
  tenants: TenantStore;
  sla: SlaStore;
  reports: ReportStore;
}

/** A clock's outcome; a breach in an earlier period (restarted by a reopen) still counts. */
const outcome = (c: SlaClockRecord | undefined) =>
  c ? { met: c.met, breached: c.breached || (c.priorBreaches ?? 0) > 0 } : null;

const sideOf = (owner: Ticket['owner']) => (owner === 'internal' ? 'internal' : 'partner');

/**
 * The clocks a fact reports, of the side that holds the ticket now (the fact's owner): its
 * resolution clock, and its response: the first response when the ticket was routed to it, the
 * acceptance of the latest handoff when it was handed the ticket. So each side is measured on
 * what it did, never on the other side's time.
 */
export function reportedClocks(ticket: Ticket, clocks: SlaClockRecord[]) {
  const side = sideOf(ticket.owner);
  const mine = clocks.filter((c) => c.calendar === side);
  const handoffs = mine
    .filter((c) => c.target === 'handoff')
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  return {
    response: handoffs.at(-1) ?? mine.find((c) => c.target === 'firstResponse'),
    resolution: mine.find((c) => c.target === 'resolution'),
    nextUpdate: mine.find((c) => c.target === 'nextUpdate'),
  };
}

/** A monitoring-alert ticket: opened by an alert rule, or (stored before that was kept) one that folded repeats. */
export const isAlertTicket = (ticket: Ticket): boolean => Boolean(ticket.alert) || ticket.occurrences > 1;

/**
 * What reporting keeps of an alert ticket. Closed without action: resolved (or closed) with no
 * message written by either side (a public reply or a work note; the automatic acknowledgement
 * and status changes do not count) and never handed off: the alert was noise someone cleared.
 */
export function alertOf(ticket: Ticket, messages: readonly TicketMessage[]): TicketFact['alert'] {
  if (!isAlertTicket(ticket)) return null;
  const acted =
    ticket.handoffs.length > 0 ||
    messages.some(
      (m) =>
        (m.kind === 'reply' || m.kind === 'note') &&
        (m.author?.role === 'partner' || m.author?.role === 'internal' || m.direction === 'outbound'),
    );
  return { occurrences: ticket.occurrences, closedWithoutAction: ticket.resolvedAt !== null && !acted };
}

/** The fact reporting keeps of a routed ticket, from its current state and SLA clocks. */
export function toFact(
  ticket: Ticket,
  clocks: SlaClockRecord[],
  dow: DivisionOfWork,
  messages: readonly TicketMessage[] = [],
): TicketFact | null {
  if (!ticket.owner || !ticket.priority) return null;
  const reported = reportedClocks(ticket, clocks);
  // Both parts only ever grow, so their combination orders any two reads of the same ticket.
  const clockRevs = clocks.reduce((n, c) => n + c.rev, 0);
  return {
    tenantId: ticket.tenantId,
    ticketId: ticket.id,
    key: ticket.key,
    month: monthOf(new Date(ticket.receivedAt), dow.timeZone),
    owner: ticket.owner,
    workload: ticket.workload,
    priority: ticket.priority,
    afterHours: ticket.afterHours ?? false,
    rule: ticket.routing?.rule ?? null,
    handleMinutes: ticket.handleMinutes ?? 0,
    status: ticket.status,
    receivedAt: ticket.receivedAt,
    firstRespondedAt: ticket.firstRespondedAt,
    resolvedAt: ticket.resolvedAt,
    sla: {
      firstResponse: outcome(reported.response),
      resolution: outcome(reported.resolution),
      // Updates are owed until the ticket is resolved: only then is a clean record "met".
      nextUpdate: reported.nextUpdate
        ? {
            met: outcome(reported.nextUpdate)!.breached ? false : ticket.resolvedAt ? true : null,
            breached: outcome(reported.nextUpdate)!.breached,
          }
        : null,
    },
    handoffs: {
      toInternal: ticket.handoffs.filter((h) => h.to === 'internal').length,
      toPartner: ticket.handoffs.filter((h) => h.to === 'partner').length,
      acceptance: clocks
        .filter((c) => c.target === 'handoff')
        .sort((a, b) => a.startedAt.localeCompare(b.startedAt))
        .map((c) => ({ met: c.met, breached: c.breached })),
    },
    satisfaction: ticket.satisfaction
      ? { rating: ticket.satisfaction.rating, owner: ticket.satisfaction.owner }
      : null,
    alert: alertOf(ticket, messages),
    afterHoursHandoffsToInternal: ticket.handoffs.filter(
      (h) => h.to === 'internal' && !isBusinessTime(dow.internalCalendar, new Date(h.at)),
    ).length,
    factVersion: ticket.version * 100_000 + clockRevs,
  };
}

/**
 * Project a ticket into its month's facts. State-based: it re-reads the ticket and its clocks,
 * so any event about the ticket, delivered any number of times in any order, converges.
 */
export async function projectTicket(
  ref: { tenantId: string; ticketId: string },
  deps: ProjectDeps,
): Promise<boolean> {
  // Read at once: the ticket and the division of work go out together where the store batches.
  const [ticket, dow, clocks] = await Promise.all([
    deps.tickets.get(ref.tenantId, ref.ticketId),
    deps.tenants.getDivisionOfWork(ref.tenantId),
    deps.sla.listClocks(ref.tenantId, ref.ticketId),
  ]);
  if (!ticket || !dow) return false;
  // An alert ticket's conversation says whether it was closed without action.
  const messages =
    isAlertTicket(ticket) && ticket.resolvedAt && deps.messages
      ? await deps.messages.list(ref.tenantId, ref.ticketId)
      : [];
  const fact = toFact(ticket, clocks, dow, messages);
  return fact ? deps.reports.putFact(fact) : false;
}
