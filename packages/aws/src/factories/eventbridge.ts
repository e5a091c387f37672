import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { traced } from '@psa/observability/tracer';
import type { CoreConfig } from '../config.ts';
import { EventBridgeBus } from '../eventbridge-bus.ts';

/** The bus on EventBridge; locally `AWS_ENDPOINT_URL_EVENTBRIDGE` points the client at the local bus. */
export function createBus(config: Pick<CoreConfig, 'EVENT_BUS_NAME'>): EventBridgeBus {
  return new EventBridgeBus(traced(new EventBridgeClient({})), config.EVENT_BUS_NAME);
}
