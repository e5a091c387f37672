import { instrument, scheduledHandler } from '@psa/observability/handler';
import { metricPoint } from '@psa/observability/metrics';
import { composeSla } from '../composition.ts';
import { type SweepResult, sweepDueClocks } from '../domain/sweep.ts';

const o = instrument(composeSla(process.env));

/** Scheduled every minute: publish SLA warnings and breaches that fell due; report its lag. */
export const handler = scheduledHandler(o, async (): Promise<SweepResult> => {
  const result = await sweepDueClocks(o.deps);
  o.metrics.record(metricPoint('slaSweepLag', {}, result.lagSeconds));
  if (result.fired > 0 || result.deferred > 0) o.logger.info('SLA sweep', { ...result });
  return result;
});
