import { SQSClient } from '@aws-sdk/client-sqs';
import { traced } from '@psa/observability/tracer';
import type { QueueConfig } from '../config.ts';
import { SqsQueue } from '../sqs-queue.ts';

/** The hand-over queues; only functions whose FunctionSpec declares queue access get their URLs. */
export function createQueue(config: QueueConfig): SqsQueue {
  return new SqsQueue(traced(new SQSClient({})), {
    partner: config.PARTNER_QUEUE_URL,
    internal: config.INTERNAL_QUEUE_URL,
    triage: config.TRIAGE_QUEUE_URL,
  });
}
