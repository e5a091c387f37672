import {
  parseEvent,
  TicketPriorityChanged,
  TicketReassigned,
  TicketRouted,
  TicketStatusChanged,
} from '@psa/model/events';
import { composeSla } from '../composition.ts';
import { syncTicketClocks } from '../domain/sync-clocks.ts';

const deps = composeSla(process.env);
const contracts = [TicketRouted, TicketStatusChanged, TicketReassigned, TicketPriorityChanged] as const;

/** EventBridge rule target: TicketRouted / TicketStatusChanged / TicketReassigned -> the ticket's SLA clocks. */
export const handler = async (event: unknown): Promise<void> => {
  const detail = parseEvent(contracts, event);
  await syncTicketClocks({ tenantId: detail.tenantId, ticketId: detail.ticketId }, deps);
};
