import type { Logger } from '@aws-lambda-powertools/logger';
import { keys } from '@psa/aws/table';
import { queueMessage } from '@psa/contracts/queue-message';
import type { Clock } from '@psa/model/clock';
import { StaleWriteError } from '@psa/model/errors';
import { TicketRouted, toBusEvent } from '@psa/model/events';
import { dispatchOutbox, eventEntry, type OutboxDeps, queueEntry } from '@psa/model/outbox';
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

const MAX_ATTEMPTS = 5;

/**
 * Route a received ticket by its tenant's division of work. The decision, the queue message and
 * the TicketRouted event are written with the ticket in one conditional write; a redelivered
 * TicketReceived finds the ticket routed and changes nothing.
 */
export async function routeTicket(
  ref: { tenantId: string; ticketId: string },
  deps: RouteDeps,
): Promise<{ routed: boolean; ticket: Ticket }> {
  for (let attempt = 1; ; attempt++) {
    const ticket = await deps.tickets.get(ref.tenantId, ref.ticketId);
    if (!ticket) throw new Error(`ticket ${ref.tenantId}/${ref.ticketId} not found`);
    if (ticket.routing) return { routed: false, ticket };
    const dow = await deps.tenants.getDivisionOfWork(ref.tenantId);
    if (!dow) throw new Error(`tenant ${ref.tenantId} has no division of work`);
    const outcome = decideRouting({
      subject: ticket.subject,
      body: ticket.body,
      requesterEmail: ticket.requester.email,
      channel: ticket.channel,
      requestedPriority: ticket.requestedPriority,
      receivedAt: new Date(ticket.receivedAt),
      // Counting one past the limit is enough to know the backlog exceeds it.
      internalOpenBacklog: await deps.tickets.countOpen(ref.tenantId, 'internal', dow.overflowLimit + 1),
      dow,
      learned: (await deps.learned?.predict(ref.tenantId, ticket.subject, ticket.body)) ?? null,
    });
    const now = deps.clock.now().toISOString();
    const routed: Ticket = {
      ...ticket,
      owner: outcome.owner,
      workload: outcome.workload,
      priority: outcome.priority,
      afterHours: outcome.afterHours,
      handleMinutes: outcome.handleMinutes,
      routing: { ...outcome.routing, decidedAt: now },
      updatedAt: now,
      version: ticket.version + 1,
    };
    const entries = [
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
          routing: routed.routing!,
          ticketVersion: routed.version,
        }),
      ),
    ];
    try {
      await deps.tickets.update(routed, entries);
    } catch (err) {
      if (err instanceof StaleWriteError && attempt < MAX_ATTEMPTS) continue;
      throw err;
    }
    try {
      await dispatchOutbox(keys.ticket(ticket.tenantId, ticket.id), entries, deps);
    } catch (error) {
      deps.logger.warn('outbox delivery deferred to the reconciler', { ticketId: ticket.id, error });
    }
    deps.logger.info('ticket routed', {
      ticketId: ticket.id,
      owner: outcome.owner,
      rule: outcome.routing.rule,
    });
    return { routed: true, ticket: routed };
  }
}
