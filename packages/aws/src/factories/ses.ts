import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { BlobStore, Mailer } from '@psa/model/ports';
import { traced } from '@psa/observability/tracer';
import { SesMailer } from '../ses-mailer.ts';

/**
 * Mail goes out through SES v2 in AWS and locally alike: the local runtime serves the SES v2
 * SendEmail API (`AWS_ENDPOINT_URL_SESV2`) and writes each message to its outbox folder or relays
 * it over SMTP, so no local-only mailer is ever bundled into a Lambda.
 * parsed config like the other factories; SES itself needs none of it. `blobs` is where the
 * files of mails that carry attachments (public replies) are read from.
 */
export function createMailer(blobs?: BlobStore): Mailer {
  return new SesMailer(traced(new SESv2Client({})), blobs);
}
