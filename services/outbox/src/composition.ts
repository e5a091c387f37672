import { parseConfig } from '@psa/aws/config';
import { createCoreDeps } from '@psa/aws/factories/core';
import { createBlobStore } from '@psa/aws/factories/s3';
import { createMailer } from '@psa/aws/factories/ses';
import { createQueue } from '@psa/aws/factories/sqs';
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
    // Public replies carry their files by reference to the bucket.
    mailer: createMailer(createBlobStore(config)),
  };
}
