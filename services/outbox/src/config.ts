import { BlobConfig, CoreConfig, QueueConfig } from '@psa/aws/config';

/**
 * The outbox reconciler's configuration, parsed once at cold start. It delivers every kind of
 * side effect any service commits (events, queue messages, mail), so it needs the queues too,
 * and the bucket for the files mail carries.
 */
export const OutboxConfig = CoreConfig.extend(QueueConfig.shape).extend(BlobConfig.shape);
