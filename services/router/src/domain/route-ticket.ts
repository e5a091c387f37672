import type { Logger } from '@aws-lambda-powertools/logger';
import { queueMessage } from '@psa/contracts/queue-message';
import type { Clock } from '@psa/model/clock';
import type { DivisionOfWork } from '@psa/model/division-of-work';
import { TicketRouted, toBusEvent } from '@psa/model/events';
import {
  type Change,
  commitWithRetry,
  eventEntry,
  type OutboxDeps,
  queueEntry,
  ticketReceivedEntryId,
} from '@psa/model/outbox';
import type { TenantStore, TicketStore } from '@psa/model/ports';
import type { Ticket } from '@psa/model/ticket';
import { decideRouting } from '@psa/routing/decide';
import type { LearnedPrediction } from '@psa/routing/learned';
import type { LearnedRecogniser } from './learned-recogniser.ts';

export interface RouteDeps extends OutboxDeps {
  tickets: TicketStore;
  tenants: TenantStore;
  clock: Clock;
  logger: Pick<Logger, 'warn' | 'info'>;
  /** The tenant's model learned from history; routing uses it beside the rules when present. */
  learned?: Pick<LearnedRecogniser, 'forTenant'>;
}

/** What a routing decision reads: the ticket, its tenant's division of work and learned model. */
interface RoutingInputs {
  ticket: Ticket;
  dow: DivisionOfWork | null;
  learned: ((subject: string, body: string) => LearnedPrediction) | null;
  /** The internal backlog, counted up to the overflow limit + 1, when counted with the reads. */
  backlog: { limit: number; count: number } | null;
}

/**
 * Each tenant's overflow limit as last read, per container: the backlog count (bounded by it)
 * then goes out with the reads instead of after them. A limit that changed is counted again.
 */
const overflowLimits = new Map<string, number>();

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
      // Read together (one round trip where the store can batch them); on a redelivery the
      // division of work and the model are read for nothing, which costs no extra request.
      read: async (): Promise<RoutingInputs> => {
        const limit = overflowLimits.get(ref.tenantId);
        const [ticket, dow, learned, count] = await Promise.all([
          deps.tickets.get(ref.tenantId, ref.ticketId),
          deps.tenants.getDivisionOfWork(ref.tenantId),
          deps.learned?.forTenant(ref.tenantId) ?? null,
          limit === undefined ? null : deps.tickets.countOpen(ref.tenantId, 'internal', limit + 1),
        ]);
        if (!ticket) throw new Error(`ticket ${ref.tenantId}/${ref.ticketId} not found`);
        if (dow) overflowLimits.set(ref.tenantId, dow.overflowLimit);
        return {
          ticket,
          dow,
          learned,
          backlog: limit === undefined || count === null ? null : { limit, count },
        };
      },
      decide: (inputs) => (inputs.ticket.routing ? null : route(inputs, deps)),
      // Routing consumes TicketReceived, so it was delivered: this write takes it out of the
      // ticket's outbox (intake leaves it there to save a write of its own).
      write: (next, entries) => deps.tickets.update(next, entries, [ticketReceivedEntryId(next.id)]),
    },
    deps,
    { context: { ticketId: ref.ticketId } },
  );
  if (!outcome.committed) return { routed: false, ticket: outcome.state.ticket };
  const routed = outcome.state;
  deps.logger.info('ticket routed', { ticketId: routed.id, owner: routed.owner, rule: routed.routing?.rule });
  return { routed: true, ticket: routed };
}

/** The routed ticket, its queue message and its TicketRouted event. */
async function route(
  { ticket, dow, learned, backlog }: RoutingInputs,
  deps: RouteDeps,
): Promise<Change<Ticket>> {
  if (!dow) throw new Error(`tenant ${ticket.tenantId} has no division of work`);
  const outcome = decideRouting({
    subject: ticket.subject,
    body: ticket.body,
    requesterEmail: ticket.requester.email,
    channel: ticket.channel,
    requestedPriority: ticket.requestedPriority,
    receivedAt: new Date(ticket.receivedAt),
    // Counting one past the limit is enough to know the backlog exceeds it.
    internalOpenBacklog:
      backlog?.limit === dow.overflowLimit
        ? backlog.count
        : await deps.tickets.countOpen(ticket.tenantId, 'internal', dow.overflowLimit + 1),
    dow,
    learned: learned?.(ticket.subject, ticket.body) ?? null,
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
