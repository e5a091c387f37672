import { MonthlyReliefReport, parseEvent } from '@psa/model/events';
import { eventHandler, instrument } from '@psa/observability/handler';
import { composeReporting } from '../composition.ts';
import { sendMonthlyDigest } from '../domain/send-digest.ts';

const o = instrument(composeReporting(process.env));

/** EventBridge rule target: a month's relief report was published -> that month's digest, once. */
export const handler = eventHandler(
  o,
  (event) => parseEvent(MonthlyReliefReport, event),
  async ({ tenantId, month }) => {
    const result = await sendMonthlyDigest({ tenantId, month }, o.deps);
    if (result.sent) o.logger.info('monthly digest sent', { tenantId, month, ...result });
  },
);
