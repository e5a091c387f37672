import type { Logger } from '@aws-lambda-powertools/logger';
import type { Clock } from '@psa/model/clock';
import { type OutboxDeps, reconcileOutbox } from '@psa/model/outbox';

export interface ReconcileDeps extends OutboxDeps {
  clock: Clock;
  logger: Pick<Logger, 'info'>;
}

export interface ReconcileOptions {
  /** Entries younger than this are left to the writer still delivering them. Default 30 s. */
  graceMs?: number;
  /** Records drained per run; the next run takes the rest. Default 100. */
  limit?: number;
}

/**
 * Deliver what the writers of every service committed to an outbox and did not deliver: a crash
 * between the write and the delivery, or a bus, queue or mail outage. A writer delivers its own
 * within milliseconds, so only entries older than the grace period are taken; every consumer is
 * idempotent, so one delivered twice is harmless.
 */
export async function reconcile(
  deps: ReconcileDeps,
  opts: ReconcileOptions = {},
): Promise<{ records: number; failures: number }> {
  const result = await reconcileOutbox({ ...deps, now: () => deps.clock.now() }, opts);
  if (result.records > 0) deps.logger.info('outbox reconciled', result);
  return result;
}
