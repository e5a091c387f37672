import type { Logger } from '@aws-lambda-powertools/logger';
import { queueMessage } from '@psa/contracts/queue-message';
import type { Clock } from '@psa/model/clock';
import { TicketRouted, toBusEvent } from '@psa/model/events';
import { type Change, commitWithRetry, eventEntry, type OutboxDeps, queueEntry } from '@psa/model/outbox';
import type { TenantStore, TicketStore } from '@psa/model/ports';
import type { Ticket } from '@psa/model/ticket';
import { decideRouting } from '@psa/routing/decide';
import type { LearnedRecogniser } from './learned-recogniser.ts';

export interface RouteDeps extends OutboxDeps {
  tickets: TicketStore;
  tenants: TenantStore;
  clock: Clock;
  logger: Pick<Logger, 'warn' | 'info'>;
  /** The tenant's model learned from history; routing uses it beside the rules when present. */
  learned?: Pick<LearnedRecogniser, 'predict'>;
}

/**
 * Route a received ticket by its tenant's division of work. The decision, the queue message and
 * the TicketRouted event are written with the ticket in one conditional write; a redelivered
 * TicketReceived finds the ticket routed and changes nothing.
 */
export async function routeTicket(
  ref: { tenantId: string; ticketId: string },
  deps: RouteDeps,
): Promise<{ routed: boolean; ticket: Ticket }> {
  const outcome = await commitWithRetry(
    {
      read: async () => {
        const ticket = await deps.tickets.get(ref.tenantId, ref.ticketId);
        if (!ticket) throw new Error(`ticket ${ref.tenantId}/${ref.ticketId} not found`);
        return ticket;
      },
      decide: (ticket) => (ticket.routing ? null : route(ticket, deps)),
      write: (next, entries) => deps.tickets.update(next, entries),
    },
    deps,
    { context: { ticketId: ref.ticketId } },
  );
  if (!outcome.committed) return { routed: false, ticket: outcome.state };
  const routed = outcome.state;
  deps.logger.info('ticket routed', { ticketId: routed.id, owner: routed.owner, rule: routed.routing?.rule });
  return { routed: true, ticket: routed };
}

/** The routed ticket, its queue message and its TicketRouted event. */
async function route(ticket: Ticket, deps: RouteDeps): Promise<Change<Ticket>> {
  const dow = await deps.tenants.getDivisionOfWork(ticket.tenantId);
  if (!dow) throw new Error(`tenant ${ticket.tenantId} has no division of work`);
  const outcome = decideRouting({
    subject: ticket.subject,
    body: ticket.body,
    requesterEmail: ticket.requester.email,
    channel: ticket.channel,
    requestedPriority: ticket.requestedPriority,
    receivedAt: new Date(ticket.receivedAt),
    // Counting one past the limit is enough to know the backlog exceeds it.
    internalOpenBacklog: await deps.tickets.countOpen(ticket.tenantId, 'internal', dow.overflowLimit + 1),
    dow,
    learned: (await deps.learned?.predict(ticket.tenantId, ticket.subject, ticket.body)) ?? null,
  });
  const now = deps.clock.now().toISOString();
  const routing = { ...outcome.routing, decidedAt: now };
  const routed: Ticket = {
    ...ticket,
    owner: outcome.owner,
    workload: outcome.workload,
    priority: outcome.priority,
    afterHours: outcome.afterHours,
    handleMinutes: outcome.handleMinutes,
    routing,
    updatedAt: now,
    version: ticket.version + 1,
  };
  return {
    next: routed,
    entries: [
      queueEntry(`${ticket.id}:queued`, outcome.owner, queueMessage(routed, dow)),
      eventEntry(
        `${ticket.id}:routed`,
        toBusEvent(TicketRouted, {
          eventId: `${ticket.id}:routed`,
          occurredAt: now,
          tenantId: ticket.tenantId,
          ticketId: ticket.id,
          number: ticket.number,
          owner: outcome.owner,
          workload: outcome.workload,
          priority: outcome.priority,
          afterHours: outcome.afterHours,
          receivedAt: ticket.receivedAt,
          routing,
          ticketVersion: routed.version,
        }),
      ),
    ],
  };
}
