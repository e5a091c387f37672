import { rawKeyFor } from '@psa/contracts/email-keys';
import * as z from 'zod';
import { composeIntake } from '../composition.ts';
import { receiveEmail } from '../domain/email/receive-email.ts';

const deps = composeIntake(process.env);

/**
 * The SES receipt rule's Lambda action (invoked after its S3 action stored the raw message under
 * `inbound/{messageId}`); locally the SMTP listener stores the raw message the same way and sends
 * the same event. https://docs.aws.amazon.com/ses/latest/dg/receiving-email-action-lambda-event.html
 */
const SesEvent = z.object({
  Records: z
    .array(
      z.object({
        ses: z.object({
          /** `source` is the envelope sender (MAIL FROM); empty for the null return path `<>`. */
          mail: z.object({ messageId: z.string().min(1), source: z.string().optional() }),
          receipt: z.object({
            recipients: z.array(z.string()).min(1),
            virusVerdict: z.object({ status: z.string() }).optional(),
            spamVerdict: z.object({ status: z.string() }).optional(),
          }),
        }),
      }),
    )
    .min(1),
});

export const handler = async (event: unknown) => {
  const { Records } = SesEvent.parse(event);
  const results = [];
  for (const r of Records) {
    results.push(
      ...(await receiveEmail(
        {
          rawKey: rawKeyFor(r.ses.mail.messageId),
          recipients: r.ses.receipt.recipients,
          verdicts: { virus: r.ses.receipt.virusVerdict?.status, spam: r.ses.receipt.spamVerdict?.status },
          ...(r.ses.mail.source !== undefined ? { envelopeSender: r.ses.mail.source } : {}),
        },
        deps,
      )),
    );
  }
  deps.logger.info('mail received', { results });
  return results;
};
