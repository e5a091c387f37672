import { instrument, scheduledHandler } from '@psa/observability/handler';
import { composeReporting } from '../composition.ts';
import { sendPulseSurveys } from '../domain/pulse.ts';

const o = instrument(composeReporting(process.env));

/** Scheduled hourly: from the pulse day of a month on, ask each tenant's internal IT once. */
export const handler = scheduledHandler(o, async (): Promise<{ sent: string[] }> => {
  const sent = await sendPulseSurveys(o.deps);
  if (sent.length) o.logger.info('team pulse invitations sent', { sent });
  return { sent };
});
