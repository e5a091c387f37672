import { MonthlyReliefReport, parseEvent } from '@psa/model/events';
import { composeReporting } from '../composition.ts';
import { sendMonthlyDigest } from '../domain/send-digest.ts';

const deps = composeReporting(process.env);

/** EventBridge rule target: a month's relief report was published -> that month's digest, once. */
export const handler = async (event: unknown): Promise<{ sent: number }> => {
  const { tenantId, month } = parseEvent(MonthlyReliefReport, event);
  const result = await sendMonthlyDigest({ tenantId, month }, deps);
  if (result.sent) deps.logger.info('monthly digest sent', { tenantId, month, ...result });
  return result;
};
