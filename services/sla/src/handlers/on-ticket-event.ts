import {
  parseEvent,
  TicketMessageAdded,
  TicketPriorityChanged,
  TicketReassigned,
  TicketRouted,
  TicketStatusChanged,
} from '@psa/model/events';
import { composeSla } from '../composition.ts';
import { syncTicketClocks } from '../domain/sync-clocks.ts';

const deps = composeSla(process.env);
// A message may be the owner's first response (its public reply), which completes that clock.
const contracts = [
  TicketRouted,
  TicketStatusChanged,
  TicketReassigned,
  TicketPriorityChanged,
  TicketMessageAdded,
] as const;

/** EventBridge rule target: TicketRouted / TicketStatusChanged / TicketReassigned -> the ticket's SLA clocks. */
export const handler = async (event: unknown): Promise<void> => {
  const detail = parseEvent(contracts, event);
  await syncTicketClocks({ tenantId: detail.tenantId, ticketId: detail.ticketId }, deps);
};
