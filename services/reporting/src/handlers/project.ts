import { EVENT_CATALOG, parseEvent } from '@psa/model/events';
import { eventHandler, instrument } from '@psa/observability/handler';
import { composeReporting } from '../composition.ts';
import { projectTicket } from '../domain/project.ts';

const o = instrument(composeReporting(process.env));

/** EventBridge rule target: any ticket or SLA event -> that ticket's month fact. */
export const handler = eventHandler(
  o,
  (event) => parseEvent(EVENT_CATALOG, event),
  async (detail) => {
    if ('ticketId' in detail)
      await projectTicket({ tenantId: detail.tenantId, ticketId: detail.ticketId }, o.deps);
  },
);
