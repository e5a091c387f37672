import { CoreConfig, MailConfig, QueueConfig } from '@psa/aws/runtime';

/**
 * The outbox reconciler's configuration, parsed once at cold start. It delivers every kind of
 * side effect any service commits (events, queue messages, mail), so it needs all three.
 */
export const OutboxConfig = CoreConfig.extend(QueueConfig.shape).extend(MailConfig.shape);
