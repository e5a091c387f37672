import { instrument, loggingRedeliveries, scheduledHandler } from '@psa/observability/handler';
import { metricPoint } from '@psa/observability/metrics';
import { composeOutbox } from '../composition.ts';
import { measureBacklog } from '../domain/backlog.ts';
import { reconcile } from '../domain/reconcile.ts';

const o = instrument(composeOutbox(process.env));
const deps = { ...o.deps, bus: loggingRedeliveries(o.deps.bus, o.logger) };

/**
 * Scheduled every minute: re-deliver outbox entries that a crash or an outage left behind (each
 * event logged in its own chain's scope), then measure what is still undelivered (OutboxBacklog,
 * OutboxOldestAge).
 */
export const handler = scheduledHandler(o, async (): Promise<{ records: number; failures: number }> => {
  const result = await reconcile(deps);
  const backlog = measureBacklog(await o.deps.backlog(), o.deps.clock.now());
  o.metrics.record(metricPoint('outboxBacklog', {}, backlog.entries));
  o.metrics.record(metricPoint('outboxOldestAge', {}, backlog.oldestAgeSeconds));
  return result;
});
