import { parseConfig } from '@psa/aws/config';
import { DynamoMailStore } from '@psa/aws/dynamo-mail-store';
import { DynamoModelStore } from '@psa/aws/dynamo-model-store';
import { createCoreDeps } from '@psa/aws/factories/core';
import { createQueue } from '@psa/aws/factories/sqs';
import { createAuthenticator } from '@psa/http/auth';
import type { RouterApiDeps } from './app.ts';
import { RouterApiConfig, RouterConfig } from './config.ts';
import { LearnedRecogniser } from './domain/learned-recogniser.ts';
import type { RouteDeps } from './domain/route-ticket.ts';

/**
 * The router's composition root: builds each function's adapters once per cold start from that
 * function's own configuration (the routing function has the queues, the API the authenticator).
 */

/** `RouterOnTicketReceived`: tickets, tenants, outbox, bus, queues and the learned model. */
export function composeRouting(env: Record<string, string | undefined>): RouteDeps {
  const config = parseConfig(RouterConfig, env);
  const core = createCoreDeps(config);
  return {
    ...core,
    queue: createQueue(config),
    learned: new LearnedRecogniser(new DynamoModelStore(core.doc, config.TABLE_NAME)),
  };
}

/** `RouterApi`: the division of work, simulation and the history model, behind the authenticator. */
export function composeRouterApi(env: Record<string, string | undefined>): RouterApiDeps {
  const config = parseConfig(RouterApiConfig, env);
  const core = createCoreDeps(config);
  return {
    ...core,
    mail: new DynamoMailStore(core.doc, config.TABLE_NAME),
    models: new DynamoModelStore(core.doc, config.TABLE_NAME),
    authenticate: createAuthenticator(config),
  };
}
