import { composeSla } from '../composition.ts';
import { sweepDueClocks } from '../domain/sweep.ts';

const deps = composeSla(process.env);

/** Scheduled every minute: publish SLA warnings and breaches that fell due. */
export const handler = async (): Promise<{ fired: number }> => {
  const result = await sweepDueClocks(deps);
  if (result.fired > 0 || result.deferred > 0) deps.logger.info('SLA sweep', { ...result });
  return result;
};
