import { composeReporting } from '../composition.ts';
import { sendPulseSurveys } from '../domain/pulse.ts';

const deps = composeReporting(process.env);

/** Scheduled hourly: from the pulse day of a month on, ask each tenant's internal IT once. */
export const handler = async (): Promise<{ sent: string[] }> => {
  const sent = await sendPulseSurveys(deps);
  if (sent.length) deps.logger.info('team pulse invitations sent', { sent });
  return { sent };
};
