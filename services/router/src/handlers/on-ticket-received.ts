import { parseConfig } from '@psa/aws/config';
import { DynamoModelStore } from '@psa/aws/dynamo-model-store';
import { createCoreDeps } from '@psa/aws/factories/core';
import { createQueue } from '@psa/aws/factories/sqs';
import { parseEvent, TicketReceived } from '@psa/model/events';
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
