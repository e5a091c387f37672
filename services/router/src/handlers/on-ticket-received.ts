import { parseEvent, TicketReceived } from '@psa/model/events';
import { composeRouting } from '../composition.ts';
import { routeTicket } from '../domain/route-ticket.ts';

const deps = composeRouting(process.env);

/** EventBridge rule target: TicketReceived -> routing decision, queue message, TicketRouted. */
export const handler = async (event: unknown): Promise<void> => {
  const detail = parseEvent(TicketReceived, event);
  await routeTicket({ tenantId: detail.tenantId, ticketId: detail.ticketId }, deps);
};
