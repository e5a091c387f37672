import type { Logger } from '@aws-lambda-powertools/logger';
import type { Clock } from '@psa/common/clock';
import { StaleWriteError } from '@psa/common/errors';
import { TicketRouted, toBusEvent } from '@psa/common/events';
import { dispatchOutbox, eventEntry, type OutboxDeps, queueEntry } from '@psa/common/outbox';
import type { TenantStore, TicketStore } from '@psa/common/ports';
import {
  MAX_BODY_CHARS,
  type RoutedTicketMessage,
  RoutedTicketMessageSchema,
} from '@psa/common/queue-message';
import { keys } from '@psa/common/table';
import type { Ticket } from '@psa/common/ticket';
import { decideRouting } from './decide.ts';

export interface RouteDeps extends OutboxDeps {
  tickets: TicketStore;
  tenants: TenantStore;
  clock: Clock;
  logger: Pick<Logger, 'warn' | 'info'>;
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
      queueEntry(`${ticket.id}:queued`, outcome.owner, queueMessage(routed)),
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

export function queueMessage(t: Ticket): { body: string; attributes: Record<string, string> } {
  const message: RoutedTicketMessage = RoutedTicketMessageSchema.parse({
    schema: 'psa.routed-ticket',
    version: 1,
    tenantId: t.tenantId,
    ticket: {
      id: t.id,
      number: t.number,
      key: t.key,
      subject: t.subject,
      body: t.body.slice(0, MAX_BODY_CHARS),
      requester: t.requester,
      channel: t.channel,
      receivedAt: t.receivedAt,
      owner: t.owner,
      workload: t.workload,
      priority: t.priority,
      afterHours: t.afterHours,
    },
    decision: t.routing,
    links: {
      self: `/v1/tenants/${t.tenantId}/tickets/${t.id}`,
      status: `/v1/tenants/${t.tenantId}/tickets/${t.id}/status`,
    },
  });
  return {
    body: JSON.stringify(message),
    attributes: {
      tenant: t.tenantId,
      owner: t.owner!,
      priority: t.priority!,
      workload: t.workload ?? 'none',
    },
  };
}
