import { parseArgs } from 'node:util';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { QueueAccess } from '@psa/contracts/wiring';
import { defaultDataDir } from '../config.ts';
import { type ClientSettings, resolveTarget } from './targets.ts';

const QUEUES: readonly QueueAccess[] = ['partner', 'internal', 'triage'];

export interface RedriveOptions {
  dryRun?: boolean;
  /** Move at most this many (default: all there are). */
  max?: number;
  /** Local emulators hand out queue URLs on a host name: rewrite them onto this endpoint. */
  endpoint?: string | undefined;
}

export interface RedriveResult {
  source: string;
  deadLetterQueue: string;
  /** Messages in the dead-letter queue before anything moved (SQS's approximate count). */
  deadLetters: number;
  moved: number;
  failed: number;
  dryRun: boolean;
}

/**
 * Moves the messages of a work queue's dead-letter queue back to the queue: receive a batch,
 * send it to the source with its body and message attributes, delete from the dead-letter queue
 * what was sent. The dead-letter queue is the one the source's redrive policy names, so the
 * source URL is all it needs. Redriven messages start with a fresh receive count.
 *
 * A copy, not SQS's server-side StartMessageMoveTask, so it counts what it moved, works the same
 * against the local emulator, and a crash between send and delete repeats (never loses) a
 * message: dispatchers already tolerate a ticket delivered twice (SQS is at-least-once).
 */
export async function redriveDeadLetters(
  sqs: SQSClient,
  source: string,
  options: RedriveOptions = {},
): Promise<RedriveResult> {
  const deadLetterQueue = await deadLetterQueueOf(sqs, source, options.endpoint);
  const counts = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: deadLetterQueue,
      AttributeNames: ['ApproximateNumberOfMessages'],
    }),
  );
  const deadLetters = Number(counts.Attributes?.ApproximateNumberOfMessages ?? 0);
  const result: RedriveResult = {
    source,
    deadLetterQueue,
    deadLetters,
    moved: 0,
    failed: 0,
    dryRun: !!options.dryRun,
  };
  if (options.dryRun) return result;

  const max = options.max ?? Number.POSITIVE_INFINITY;
  while (result.moved + result.failed < max) {
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: deadLetterQueue,
        MaxNumberOfMessages: Math.min(10, max - result.moved - result.failed),
        WaitTimeSeconds: 1,
        // Long enough to send and delete the batch; a message that failed to send reappears later.
        VisibilityTimeout: 60,
        MessageAttributeNames: ['All'],
      }),
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) break;
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: source,
        Entries: messages.map((m, i) => ({
          Id: String(i),
          MessageBody: m.Body ?? '',
          ...(m.MessageAttributes ? { MessageAttributes: copyAttributes(m.MessageAttributes) } : {}),
        })),
      }),
    );
    const ok = new Set((sent.Successful ?? []).map((s) => s.Id));
    result.failed += messages.length - ok.size;
    const done = messages.filter((_, i) => ok.has(String(i)));
    if (done.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: deadLetterQueue,
          Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
    result.moved += done.length;
    // Nothing went through: stop rather than spin on a queue that refuses every send.
    if (done.length === 0) break;
  }
  return result;
}

/** The dead-letter queue the source's redrive policy names. */
async function deadLetterQueueOf(sqs: SQSClient, source: string, endpoint?: string): Promise<string> {
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: source, AttributeNames: ['RedrivePolicy'] }),
  );
  const policy = attributes.Attributes?.RedrivePolicy;
  if (!policy) throw new Error(`${source} has no dead-letter queue (no redrive policy)`);
  const arn = String((JSON.parse(policy) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn ?? '');
  const [, , , , account, name] = arn.split(':');
  if (!name) throw new Error(`${source}: unreadable redrive policy ${policy}`);
  const { QueueUrl } = await sqs.send(
    new GetQueueUrlCommand({ QueueName: name, ...(account ? { QueueOwnerAWSAccountId: account } : {}) }),
  );
  if (!QueueUrl) throw new Error(`no queue ${name}`);
  return endpoint ? `${endpoint}${new URL(QueueUrl).pathname}` : QueueUrl;
}

/** Attributes as SendMessage takes them (the list types SQS reserves but does not accept are dropped). */
function copyAttributes(
  attributes: Record<string, MessageAttributeValue>,
): Record<string, MessageAttributeValue> {
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [
      name,
      {
        DataType: value.DataType,
        ...(value.StringValue !== undefined ? { StringValue: value.StringValue } : {}),
        ...(value.BinaryValue !== undefined ? { BinaryValue: value.BinaryValue } : {}),
      },
    ]),
  );
}

const USAGE =
  'usage: psa redrive --queue partner|internal|triage [--dry-run] [--max N]\n' +
  '                   [--stage NAME | --queue-url URL] [--data-dir DIR]\n' +
  '  moves the queue’s dead letters back to it and prints what it did as JSON;\n' +
  '  --stage finds the queue in a deployed stage (AWS credentials from the environment),\n' +
  '  --queue-url names it directly, neither: the local runtime (npm start)\n';

/** `psa redrive --queue NAME [--dry-run]`: one JSON line; exit 1 if a message could not be moved. */
export async function main(
  args: string[],
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      queue: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      max: { type: 'string' },
      stage: { type: 'string' },
      'queue-url': { type: 'string' },
      'data-dir': { type: 'string', default: defaultDataDir() },
    },
  });
  const queue = values.queue as QueueAccess | undefined;
  const max = values.max === undefined ? undefined : Number(values.max);
  if (
    (queue === undefined && !values['queue-url']) ||
    (queue !== undefined && !QUEUES.includes(queue)) ||
    (max !== undefined && !(Number.isInteger(max) && max > 0))
  ) {
    process.stderr.write(USAGE);
    return 2;
  }
  const target = await resolveTarget({
    stage: values.stage,
    queueUrl: values['queue-url'],
    queue: queue ?? 'partner',
    dataDir: values['data-dir']!,
  });
  const source = values['queue-url'] ?? (queue ? target.queueUrls[queue] : undefined);
  if (!source) {
    process.stderr.write(
      `no URL for the ${queue} queue in ${values.stage ? `stage ${values.stage}` : 'the local runtime'}\n`,
    );
    return 1;
  }
  const sqs = new SQSClient(target.sqs satisfies ClientSettings);
  try {
    const result = await redriveDeadLetters(sqs, source, {
      dryRun: values['dry-run'],
      ...(max ? { max } : {}),
      endpoint: target.where === 'local' ? target.sqs.endpoint : undefined,
    });
    out(JSON.stringify({ queue: queue ?? null, ...result }));
    return result.failed > 0 ? 1 : 0;
  } finally {
    sqs.destroy();
  }
}
