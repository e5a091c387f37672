import { AuthConfig, BlobConfig, CoreConfig, MailConfig, QueueConfig } from '@psa/aws/runtime';

/** Intake's configuration, parsed once at cold start. */
export const IntakeConfig = CoreConfig.extend(AuthConfig.shape)
  .extend(BlobConfig.shape)
  .extend(MailConfig.shape)
  .extend(QueueConfig.partial().shape);
