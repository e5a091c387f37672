import { AuthConfig, BlobConfig, CoreConfig, QueueConfig, WebConfig } from '@psa/aws/config';
import type * as z from 'zod';

/** What email intake reads (IntakeEmail; IntakeReprocessApi adds the API's authentication). */
export const EmailIntakeConfig = CoreConfig.extend(BlobConfig.shape);
export type EmailIntakeConfig = z.infer<typeof EmailIntakeConfig>;

/** Intake's configuration, parsed once at cold start. */
export const IntakeConfig = EmailIntakeConfig.extend(AuthConfig.shape)
  .extend(QueueConfig.partial().shape)
  .extend(WebConfig.shape);
