import { AuthConfig, BlobConfig, CoreConfig, QueueConfig } from '@psa/aws/config';

/** Intake's configuration, parsed once at cold start. */
export const IntakeConfig = CoreConfig.extend(AuthConfig.shape)
  .extend(BlobConfig.shape)
  .extend(QueueConfig.partial().shape);

/** The outbox reconciler delivers every kind of side effect: events, queue messages, mail. */
export const ReconcilerConfig = CoreConfig.extend(QueueConfig.shape);
