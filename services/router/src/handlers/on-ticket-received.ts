import { parseEvent, TicketReceived } from '@psa/model/events';
import { eventHandler, instrument } from '@psa/observability/handler';
import { composeRouting } from '../composition.ts';
import { routeTicket } from '../domain/route-ticket.ts';

const o = instrument(composeRouting(process.env));

/** EventBridge rule target: TicketReceived -> routing decision, queue message, TicketRouted. */
export const handler = eventHandler(
  o,
  (event) => parseEvent(TicketReceived, event),
  (detail) => routeTicket({ tenantId: detail.tenantId, ticketId: detail.ticketId }, o.deps),
);
