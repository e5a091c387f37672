import { parseConfig } from '@psa/aws/config';
import { listOutboxBacklog, type PendingRecord } from '@psa/aws/dynamo-outbox-backlog';
import { createCoreDeps } from '@psa/aws/factories/core';
import { createBlobStore } from '@psa/aws/factories/s3';
import { createMailer } from '@psa/aws/factories/ses';
import { createQueue } from '@psa/aws/factories/sqs';
import { OutboxConfig } from './config.ts';
import type { ReconcileDeps } from './domain/reconcile.ts';

/** Records with undelivered entries, oldest first, at most 1,000 (what the backlog metrics count). */
export type BacklogReader = () => Promise<PendingRecord[]>;

/** Builds the reconciler's adapters once per cold start from its configuration. */
export function composeOutbox(
  env: Record<string, string | undefined>,
): ReconcileDeps & { backlog: BacklogReader } {
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
    backlog: async () => (await listOutboxBacklog(core.doc, config.TABLE_NAME, { limit: 1_000 })).records,
  };
}
