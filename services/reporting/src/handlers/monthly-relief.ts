import { instrument, scheduledHandler } from '@psa/observability/handler';
import { composeReporting } from '../composition.ts';
import { publishMonthlyRelief } from '../domain/read-reports.ts';

const o = instrument(composeReporting(process.env));

/** Scheduled hourly: publish each tenant's relief report once its month has closed locally. */
export const handler = scheduledHandler(o, async (): Promise<{ published: string[] }> => {
  const published = await publishMonthlyRelief(o.deps);
  if (published.length) o.logger.info('monthly relief reports published', { published });
  return { published };
});
