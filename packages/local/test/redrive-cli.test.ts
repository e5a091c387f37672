import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as redrive } from '../src/cli/redrive.ts';
import { regionOfQueueUrl } from '../src/cli/targets.ts';
import { type Emulators, startEmulators } from '../src/emulators.ts';
import { writeEndpoints } from '../src/endpoints.ts';
import { ensureQueues } from '../src/provision.ts';

let dataDir: string;
let emulators: Emulators;
let sqs: SQSClient;
let queues: Awaited<ReturnType<typeof ensureQueues>>;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'psa-redrive-cli-'));
  emulators = await startEmulators(dataDir);
  sqs = new SQSClient({
    endpoint: emulators.sqs,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  // The local runtime's queues: each with its dead-letter queue after 5 receives, as in AWS.
  queues = await ensureQueues(sqs, emulators.sqs);
  await writeEndpoints(dataDir, {
    http: 'http://127.0.0.1:1',
    web: 'http://127.0.0.1:1/',
    issuer: 'http://127.0.0.1:1/oidc',
    smtp: null,
    dynamodb: emulators.dynamodb,
    sqs: emulators.sqs,
    s3: emulators.s3,
    eventbridge: 'http://127.0.0.1:1',
    queues,
    table: 'psa-local',
    bucket: 'b',
  });
});
afterAll(async () => {
  sqs.destroy();
  await emulators.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function run(args: string[]) {
  let printed = '';
  const code = await redrive([...args, '--data-dir', dataDir], (l) => (printed += l));
  return { code, result: printed ? JSON.parse(printed) : null };
}

/** What a dispatcher that keeps failing does: receive the message, never delete it. */
async function failToDispatch(queueUrl: string, times: number) {
  for (let i = 0; i < times; i++) {
    await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
        WaitTimeSeconds: 1,
      }),
    );
  }
}

const count = async (queueUrl: string) =>
  Number(
    (
      await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages'],
        }),
      )
    ).Attributes?.ApproximateNumberOfMessages,
  );

describe('psa redrive against the local queues', () => {
  it('counts the dead letters on a dry run, moves them back with their attributes, then finds none', async () => {
    for (const n of [1, 2]) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queues.partner,
          MessageBody: JSON.stringify({ ticketId: `t-${n}` }),
          MessageAttributes: { tenantId: { DataType: 'String', StringValue: 'acme' } },
        }),
      );
    }
    // Five receives without a delete: SQS's redrive policy moves both to the dead-letter queue.
    await failToDispatch(queues.partner, 6);
    expect(await count(queues.partner)).toBe(0);

    const dry = await run(['--queue', 'partner', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.result).toMatchObject({
      queue: 'partner',
      source: queues.partner,
      deadLetters: 2,
      moved: 0,
      dryRun: true,
    });
    expect(dry.result.deadLetterQueue).toMatch(/psa-partner-dlq$/);

    const moved = await run(['--queue', 'partner']);
    expect(moved).toEqual({
      code: 0,
      result: expect.objectContaining({ deadLetters: 2, moved: 2, failed: 0, dryRun: false }),
    });
    const back = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queues.partner,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
      }),
    );
    expect(back.Messages?.map((m) => JSON.parse(m.Body!).ticketId).sort()).toEqual(['t-1', 't-2']);
    expect(back.Messages?.map((m) => m.MessageAttributes?.tenantId?.StringValue)).toEqual(['acme', 'acme']);
    for (const m of back.Messages ?? [])
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queues.partner, ReceiptHandle: m.ReceiptHandle! }));

    expect((await run(['--queue', 'partner'])).result).toMatchObject({ deadLetters: 0, moved: 0 });
  });

  it('moves at most --max and leaves the rest', async () => {
    for (const n of [1, 2, 3]) {
      await sqs.send(new SendMessageCommand({ QueueUrl: queues.triage, MessageBody: `{"n":${n}}` }));
    }
    await failToDispatch(queues.triage, 6);
    const { result } = await run(['--queue', 'triage', '--max', '2']);
    expect(result).toMatchObject({ deadLetters: 3, moved: 2 });
    expect((await run(['--queue', 'triage', '--dry-run'])).result.deadLetters).toBe(1);
  });

  it('names its usage for a queue it does not know', async () => {
    expect((await run(['--queue', 'billing'])).code).toBe(2);
    expect((await run([])).code).toBe(2);
  });

  it('takes the region of an AWS queue from its URL', () => {
    expect(
      regionOfQueueUrl('https://sqs.eu-west-1.amazonaws.com/123456789012/Psa-prod-Stateful-PartnerQueue'),
    ).toBe('eu-west-1');
    expect(regionOfQueueUrl('http://127.0.0.1:4566/000000000000/psa-partner')).toBeUndefined();
  });
});
