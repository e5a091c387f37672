import type { Logger } from '@aws-lambda-powertools/logger';
import type { Clock } from '@psa/model/clock';
import { type OutboxDeps, type ReconcileOptions, reconcileOutbox } from '@psa/model/outbox';
import type { DeadLetter } from '@psa/model/ports';

export type { ReconcileOptions } from '@psa/model/outbox';

export interface ReconcileDeps extends OutboxDeps {
  clock: Clock;
  logger: Pick<Logger, 'info' | 'error'>;
}

/** The CloudWatch metric each dead letter counts in, by service (alarm on any). */
export const DEAD_LETTER_METRIC = { namespace: 'psa/outbox', name: 'OutboxDeadLetters' } as const;

/**
 * A dead letter's log line, which CloudWatch also reads as one count of
 * {@link DEAD_LETTER_METRIC} (the embedded metric format:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 */
export function deadLetterLogAttributes(letter: DeadLetter): Record<string, unknown> {
  return {
    ref: letter.ref,
    entryId: letter.entry.id,
    kind: letter.entry.kind,
    attempts: letter.attempts,
    error: letter.error,
    [DEAD_LETTER_METRIC.name]: 1,
    _aws: {
      Timestamp: Date.parse(letter.at),
      CloudWatchMetrics: [
        {
          Namespace: DEAD_LETTER_METRIC.namespace,
          Dimensions: [['service']],
          Metrics: [{ Name: DEAD_LETTER_METRIC.name, Unit: 'Count' }],
        },
      ],
    },
  };
}

/**
 * Deliver what the writers of every service committed to an outbox and did not deliver: a crash
 * between the write and the delivery, or a bus, queue or mail outage. A writer delivers its own
 * within milliseconds, so only entries older than the grace period are taken; every consumer is
 * idempotent, so one delivered twice is harmless. An entry that keeps failing waits longer each
 * time and at last becomes a dead letter: kept in the table (`OutboxStore.listDeadLetters`),
 * logged as an error and counted in {@link DEAD_LETTER_METRIC}, so it never holds up the others.
 */
export async function reconcile(
  deps: ReconcileDeps,
  opts: ReconcileOptions = {},
): Promise<{ records: number; failures: number }> {
  const result = await reconcileOutbox(
    {
      ...deps,
      now: () => deps.clock.now(),
      onDeadLetter: (letter) =>
        deps.logger.error('outbox entry dead-lettered', deadLetterLogAttributes(letter)),
    },
    opts,
  );
  if (result.records > 0) deps.logger.info('outbox reconciled', result);
  return result;
}
