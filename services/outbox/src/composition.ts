import { parseConfig } from '@psa/aws/config';
import { createCoreDeps, createMailer, createQueue } from '@psa/aws/runtime';
import { OutboxConfig } from './config.ts';
import type { ReconcileDeps } from './domain/reconcile.ts';

/** Builds the reconciler's adapters once per cold start from its configuration. */
export function composeOutbox(env: Record<string, string | undefined>): ReconcileDeps {
  const config = parseConfig(OutboxConfig, env);
  const core = createCoreDeps(config);
  return {
    clock: core.clock,
    logger: core.logger,
    outbox: core.outbox,
    bus: core.bus,
    queue: createQueue(config),
    mailer: createMailer(config),
  };
}
