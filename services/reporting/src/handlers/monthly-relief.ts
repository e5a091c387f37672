import { composeReporting } from '../composition.ts';
import { publishMonthlyRelief } from '../domain/read-reports.ts';

const deps = composeReporting(process.env);

/** Scheduled hourly: publish each tenant's relief report once its month has closed locally. */
export const handler = async (): Promise<{ published: string[] }> => {
  const published = await publishMonthlyRelief(deps);
  if (published.length) deps.logger.info('monthly relief reports published', { published });
  return { published };
};
