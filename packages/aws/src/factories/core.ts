import { type Clock, localClock, offsetClock, systemClock } from '@psa/model/clock';
import { createLogger } from '@psa/observability/logger';
import { traced } from '@psa/observability/tracer';
import type { CoreConfig } from '../config.ts';
import { createDocumentClient } from '../dynamo-client.ts';
import { DynamoOutboxStore } from '../dynamo-outbox.ts';
import { DynamoTenantStore } from '../dynamo-tenant-store.ts';
import { DynamoTicketStore } from '../dynamo-ticket-store.ts';
import { createBus } from './eventbridge.ts';

export function createClock(config: Pick<CoreConfig, 'PSA_CLOCK_OFFSET_MS' | 'PSA_CLOCK'>): Clock {
  if (config.PSA_CLOCK === 'local') return localClock;
  return config.PSA_CLOCK_OFFSET_MS ? offsetClock(config.PSA_CLOCK_OFFSET_MS) : systemClock;
}

/** The adapters every service shares (DynamoDB, EventBridge, clock, logger), built once per cold start. */
export function createCoreDeps(config: CoreConfig) {
  const clock = createClock(config);
  // Traced: the document client shares its DynamoDB client's middleware, so every call is captured.
  const doc = traced(createDocumentClient());
  const now = () => clock.now();
  return {
    clock,
    logger: createLogger({ serviceName: config.POWERTOOLS_SERVICE_NAME }),
    doc,
    tickets: new DynamoTicketStore(doc, config.TABLE_NAME, now),
    tenants: new DynamoTenantStore(doc, config.TABLE_NAME),
    outbox: new DynamoOutboxStore(doc, config.TABLE_NAME),
    bus: createBus(config),
  };
}
