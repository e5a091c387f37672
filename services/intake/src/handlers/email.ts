import { rawKeyFor } from '@psa/contracts/email-keys';
import { annotateCorrelation } from '@psa/model/correlation';
import { inScope, instrument, invocation, type LambdaContext } from '@psa/observability/handler';
import { metricPoint } from '@psa/observability/metrics';
import * as z from 'zod';
import { composeEmailIntake } from '../composition.ts';
import { type EmailOutcome, receiveEmail } from '../domain/email/receive-email.ts';

const o = instrument(composeEmailIntake(process.env));

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

/**
 * Each mail in its own correlation scope, named by SES's message id (its raw object's key, too);
 * one `mail received` line per mail reports what became of it, for each tenant it was sent to.
 */
export const handler = (event: unknown, context?: LambdaContext) =>
  invocation(o, context, async () => {
    const { Records } = SesEvent.parse(event);
    const results: EmailOutcome[] = [];
    for (const r of Records) {
      const outcomes = await inScope(o, { correlationId: r.ses.mail.messageId }, async () => {
        const outcomes = await receiveEmail(
          {
            rawKey: rawKeyFor(r.ses.mail.messageId),
            recipients: r.ses.receipt.recipients,
            verdicts: { virus: r.ses.receipt.virusVerdict?.status, spam: r.ses.receipt.spamVerdict?.status },
            ...(r.ses.mail.source !== undefined ? { envelopeSender: r.ses.mail.source } : {}),
          },
          o.deps,
        );
        const only = outcomes.length === 1 ? outcomes[0] : undefined;
        if (only)
          annotateCorrelation({
            tenantId: only.tenantId,
            ticketId: (only as { ticketId?: string }).ticketId,
          });
        o.logger.info('mail received', { results: outcomes });
        return outcomes;
      });
      const quarantined = outcomes.filter((outcome) => outcome.outcome === 'quarantined').length;
      if (quarantined > 0) o.metrics.record(metricPoint('mailQuarantined', {}, quarantined));
      results.push(...outcomes);
    }
    return results;
  });
