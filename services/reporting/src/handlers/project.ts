import { EVENT_CATALOG, parseEvent } from '@psa/model/events';
import { composeReporting } from '../composition.ts';
import { projectTicket } from '../domain/project.ts';

const deps = composeReporting(process.env);

/** EventBridge rule target: any ticket or SLA event -> that ticket's month fact. */
export const handler = async (event: unknown): Promise<void> => {
  const detail = parseEvent(EVENT_CATALOG, event);
  if (!('ticketId' in detail)) return;
  await projectTicket({ tenantId: detail.tenantId, ticketId: detail.ticketId }, deps);
};
