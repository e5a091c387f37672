import {
  parseEvent,
  TicketMessageAdded,
  TicketPriorityChanged,
  TicketReassigned,
  TicketRouted,
  TicketStatusChanged,
} from '@psa/model/events';
import { eventHandler, instrument } from '@psa/observability/handler';
import { composeSla } from '../composition.ts';
import { syncTicketClocks } from '../domain/sync-clocks.ts';

const o = instrument(composeSla(process.env));
// A message may be the owner's first response (its public reply), which completes that clock.
const contracts = [
  TicketRouted,
  TicketStatusChanged,
  TicketReassigned,
  TicketPriorityChanged,
  TicketMessageAdded,
] as const;

/** EventBridge rule target: TicketRouted / TicketStatusChanged / TicketReassigned -> the ticket's SLA clocks. */
export const handler = eventHandler(
  o,
  (event) => parseEvent(contracts, event),
  (detail) => syncTicketClocks({ tenantId: detail.tenantId, ticketId: detail.ticketId }, o.deps),
);
