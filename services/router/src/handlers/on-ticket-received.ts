import { DynamoModelStore } from '@psa/common/aws/dynamo-model-store';
import { parseConfig } from '@psa/common/config';
import { parseEvent, TicketReceived } from '@psa/common/events';
import { createCoreDeps, createQueue } from '@psa/common/runtime';
import { RouterConfig } from '../config.ts';
import { LearnedRecogniser } from '../domain/learned.ts';
import { routeTicket } from '../domain/route-ticket.ts';

const config = parseConfig(RouterConfig, process.env);
const core = createCoreDeps(config);
const deps = {
  ...core,
  queue: createQueue(config),
  learned: new LearnedRecogniser(new DynamoModelStore(core.doc, config.TABLE_NAME)),
};

/** EventBridge rule target: TicketReceived -> routing decision, queue message, TicketRouted. */
export const handler = async (event: unknown): Promise<void> => {
  const detail = parseEvent(TicketReceived, event);
  await routeTicket({ tenantId: detail.tenantId, ticketId: detail.ticketId }, deps);
};
