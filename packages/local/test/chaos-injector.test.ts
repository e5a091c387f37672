import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ensureTable } from '@psa/aws/table-admin';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalEventBus } from '../src/bus.ts';
import type { ChaosConfig } from '../src/chaos/config.ts';
import { type ChaosInjector, openChaos } from '../src/chaos/injector.ts';
import { readJournal } from '../src/chaos/journal.ts';
import { DurableDeliveryQueue } from '../src/durable/delivery-queue.ts';
import { DeliveryStore } from '../src/durable/delivery-store.ts';
import { type Emulators, startEmulators } from '../src/emulators.ts';

const credentials = { accessKeyId: 'l', secretAccessKey: 'l' };
const region = 'us-east-1';
const OFF = { throttle: 0, error: 0, timeout: 0, lostResponse: 0 };

let dir: string;
let chaos: ChaosInjector | undefined;
let emulators: Emulators | undefined;
const closers: (() => Promise<void> | void)[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'psa-chaos-'));
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await chaos?.close();
  chaos = undefined;
  await emulators?.stop();
  emulators = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** Writes the chaos file and opens the injector on it (as the runtime does with PSA_CHAOS). */
async function injector(config: Partial<ChaosConfig>) {
  const file = join(dir, 'chaos.json');
  await writeFile(file, JSON.stringify({ enabled: true, seed: 'test', ...config }));
  chaos = openChaos({ file, journalFile: join(dir, 'chaos.db'), log: () => {} });
  return { file, chaos };
}

/** An upstream that records what reached it and answers 200 `{}`. */
async function recordingUpstream() {
  const reached: string[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.once('end', () => {
      reached.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, reached };
}

const faultsOf = () =>
  readJournal(join(dir, 'chaos.db')).faults.map((f) => `${f.service} ${f.operation} ${f.kind}`);

describe('the fault injector in front of the AWS endpoints', () => {
  it('throttles DynamoDB as DynamoDB does, so the SDK backs off and retries, and gives up after its attempts', async () => {
    emulators = await startEmulators(dir);
    const { chaos } = await injector({ calls: { ...OFF, throttle: 1 } });
    const urls = await chaos.proxy({ ...placeholders(), dynamodb: emulators.dynamodb });
    const client = new DynamoDBClient({ endpoint: urls.dynamodb, region, credentials, maxAttempts: 2 });
    const err = await client
      .send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'a' }, sk: { S: 'b' } } }))
      .catch((e: { name: string; $metadata: { attempts?: number } }) => e);
    expect(err).toMatchObject({ name: 'ProvisionedThroughputExceededException', $metadata: { attempts: 2 } });
    expect(faultsOf()).toEqual(Array(2).fill('dynamodb GetItem throttle'));
  });

  it('carries out a call whose answer it then drops: the client sees a failure, the write happened', async () => {
    emulators = await startEmulators(dir);
    const admin = new DynamoDBClient({ endpoint: emulators.dynamodb, region, credentials });
    await ensureTable(admin, 'psa-local');
    // dynalite answers CreateTable while the table is CREATING.
    while (
      (await admin.send(new DescribeTableCommand({ TableName: 'psa-local' }))).Table?.TableStatus !== 'ACTIVE'
    )
      await new Promise((r) => setTimeout(r, 10));
    const { chaos } = await injector({ calls: { ...OFF, lostResponse: 1 } });
    const urls = await chaos.proxy({ ...placeholders(), dynamodb: emulators.dynamodb });
    const client = new DynamoDBClient({ endpoint: urls.dynamodb, region, credentials, maxAttempts: 1 });
    const item = { pk: { S: 'T#acme#K#1' }, sk: { S: 'TICKET' }, subject: { S: 'stored anyway' } };
    await expect(client.send(new PutItemCommand({ TableName: 'psa-local', Item: item }))).rejects.toThrow();
    const direct = new DynamoDBClient({ endpoint: emulators.dynamodb, region, credentials });
    const stored = await direct.send(
      new GetItemCommand({ TableName: 'psa-local', Key: { pk: item.pk, sk: item.sk } }),
    );
    expect(stored.Item?.subject).toEqual({ S: 'stored anyway' });
  });

  it('answers each service in its own protocol: SQS, S3, EventBridge and SES throttling, and a 5xx', async () => {
    const upstream = await recordingUpstream();
    const { chaos } = await injector({
      calls: OFF,
      services: {
        sqs: { ...OFF, throttle: 1 },
        s3: { ...OFF, throttle: 1 },
        eventbridge: { ...OFF, throttle: 1 },
        sesv2: { ...OFF, error: 1 },
      },
    });
    const urls = await chaos.proxy({
      dynamodb: upstream.url,
      sqs: upstream.url,
      s3: upstream.url,
      eventbridge: upstream.url,
      sesv2: upstream.url,
    });
    const failure = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: { name: string; $metadata: { httpStatusCode?: number; attempts?: number } }) => [
          e.name,
          e.$metadata.httpStatusCode,
          e.$metadata.attempts,
        ],
      );
    const opts = { region, credentials, maxAttempts: 2 };
    expect(
      await failure(
        new SQSClient({ ...opts, endpoint: urls.sqs }).send(
          new SendMessageCommand({ QueueUrl: `${urls.sqs}/000000000000/q`, MessageBody: 'x' }),
        ),
      ),
    ).toEqual(['RequestThrottled', 400, 2]);
    expect(
      await failure(
        new S3Client({ ...opts, endpoint: urls.s3, forcePathStyle: true }).send(
          new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' }),
        ),
      ),
    ).toEqual(['SlowDown', 503, 2]);
    expect(
      await failure(
        new EventBridgeClient({ ...opts, endpoint: urls.eventbridge }).send(
          new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] }),
        ),
      ),
    ).toEqual(['ThrottlingException', 400, 2]);
    expect(
      await failure(
        new SESv2Client({ ...opts, endpoint: urls.sesv2 }).send(
          new SendEmailCommand({ Content: { Raw: { Data: Buffer.from('x') } } }),
        ),
      ),
    ).toEqual(['InternalServiceErrorException', 500, 2]);
    // None of them reached the service.
    expect(upstream.reached).toEqual([]);
  });

  it('holds a call past the client’s patience and cuts it, as a network timeout does', async () => {
    const upstream = await recordingUpstream();
    const { chaos } = await injector({ calls: { ...OFF, timeout: 1 }, timeoutMs: 50 });
    const urls = await chaos.proxy({ ...placeholders(), eventbridge: upstream.url });
    const client = new EventBridgeClient({ endpoint: urls.eventbridge, region, credentials, maxAttempts: 1 });
    await expect(
      client.send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] })),
    ).rejects.toThrow();
    expect(upstream.reached).toEqual([]);
    expect(faultsOf()).toEqual(['eventbridge PutEvents timeout']);
  });

  it('forwards everything while the chaos file says faults are off, and follows the file as it changes', async () => {
    const upstream = await recordingUpstream();
    const { chaos, file } = await injector({ enabled: false, calls: { ...OFF, error: 1 } });
    const urls = await chaos.proxy({ ...placeholders(), eventbridge: upstream.url });
    const client = new EventBridgeClient({ endpoint: urls.eventbridge, region, credentials, maxAttempts: 1 });
    const put = () =>
      client.send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] }));
    await put();
    expect(upstream.reached).toHaveLength(1);
    await writeFile(file, JSON.stringify({ enabled: true, seed: 'on', calls: { ...OFF, error: 1 } }));
    await waitFor(
      async () =>
        (await put().then(
          () => 'ok',
          () => 'failed',
        )) === 'failed',
    );
    expect(upstream.reached.length).toBeGreaterThanOrEqual(1);
  });
});

describe('the fault injector at the local bus', () => {
  async function bus(config: Partial<ChaosConfig>) {
    const { chaos } = await injector(config);
    const store = new DeliveryStore(join(dir, 'deliveries.db'));
    const queue = new DurableDeliveryQueue({
      store,
      invoke: async () => {},
      deadLetterDir: join(dir, 'dead'),
    });
    const local = new LocalEventBus({
      subscriptions: [
        { id: 'Route', functionId: 'RouterOnTicketReceived', pattern: { source: ['psa.intake'] } },
      ],
      queue,
      policy: { maxAttempts: 3, maxAgeMs: 60_000 },
      chaos: chaos.bus,
    });
    const endpoint = await local.listen();
    closers.push(() => store.close());
    closers.push(() => local.close());
    const client = new EventBridgeClient({ endpoint, region, credentials });
    const put = (n: number) =>
      client.send(
        new PutEventsCommand({
          Entries: Array.from({ length: n }, (_, i) => ({
            Source: 'psa.intake',
            DetailType: 'TicketReceived',
            Detail: JSON.stringify({ eventId: `t${i}:received`, ticketId: `t${i}` }),
          })),
        }),
      );
    return { store, put };
  }

  it('refuses every entry during an outage, as a failed entry of a 200 answer, and accepts nothing', async () => {
    const { store, put } = await bus({
      bus: { duplicate: 0, reorder: 0, reorderMaxMs: 0, outages: [{ startMs: 0, durationMs: 60_000 }] },
    });
    const out = await put(2);
    expect(out.FailedEntryCount).toBe(2);
    expect(out.Entries?.map((e) => e.ErrorCode)).toEqual(['InternalFailure', 'InternalFailure']);
    expect(store.pending()).toEqual([]);
    expect(readJournal(join(dir, 'chaos.db')).events).toEqual([]);
  });

  it('records some deliveries twice and holds some back, and archives each accepted event once', async () => {
    const { store, put } = await bus({ bus: { duplicate: 1, reorder: 1, reorderMaxMs: 5_000, outages: [] } });
    const before = Date.now();
    await put(3);
    const pending = store.pending();
    expect(pending).toHaveLength(6);
    expect(pending.every((d) => d.notBefore > before)).toBe(true);
    const archived = readJournal(join(dir, 'chaos.db')).events;
    expect(archived.map((e) => e.eventId)).toEqual(['t0:received', 't1:received', 't2:received']);
  });
});

/** Endpoints that are never called in a test (each proxy needs an upstream). */
function placeholders() {
  const none = 'http://127.0.0.1:9';
  return { dynamodb: none, sqs: none, s3: none, eventbridge: none, sesv2: none };
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
