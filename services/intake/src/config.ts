import { AuthConfig, BlobConfig, CoreConfig, QueueConfig, WebConfig } from '@psa/aws/config';

/** Intake's configuration, parsed once at cold start. */
export const IntakeConfig = CoreConfig.extend(AuthConfig.shape)
  .extend(BlobConfig.shape)
  .extend(QueueConfig.partial().shape)
  .extend(WebConfig.shape);
