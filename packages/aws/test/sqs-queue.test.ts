import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqsQueue } from '../src/sqs-queue.ts';

/** The SQS adapter against the SQS emulator the local runtime uses (fauxqs, in memory). */
let server: Awaited<ReturnType<typeof startFauxqs>>;
let client: SQSClient;
let url: string;

beforeAll(async () => {
  server = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
  const endpoint = `http://127.0.0.1:${server.port}`;
  client = new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const created = await client.send(new CreateQueueCommand({ QueueName: 'partner' }));
  // fauxqs answers on the loopback endpoint by path (see packages/local/src/provision.ts).
  url = created.QueueUrl!.replace(/^https?:\/\/[^/]+/, endpoint);
});
afterAll(async () => {
  client.destroy();
  await server.stop();
});

const queue = () => new SqsQueue(client, { partner: url, internal: url, triage: url });

async function receiveOne(): Promise<string> {
  const out = await client.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }));
  expect(out.Messages).toHaveLength(1);
  return out.Messages![0]!.Body!;
}

describe('SqsQueue on the local emulator', () => {
  it('delivers a JSON body with emoji, which the emulator refuses and SQS takes, as the same JSON', async () => {
    const body = JSON.stringify({ ticket: { subject: 'Drucker 🔥', body: 'es brennt 😀 wirklich' } });
    await queue().send('partner', { body, attributes: { tenant: 'acme' } });
    expect(JSON.parse(await receiveOne())).toEqual(JSON.parse(body));
  });

  it('leaves a body that is not JSON as it is, and reports the refusal', async () => {
    await expect(queue().send('partner', { body: 'plain 😀', attributes: {} })).rejects.toMatchObject({
      name: expect.stringMatching(/InvalidMessageContents$/),
    });
  });
});
