import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { indexesAtUpgradeStep, TABLE_INDEXES } from '@psa/aws/table';
import { attributeDefinitions, ensureTable, projectionFor } from '@psa/aws/table-admin';
import dynalite from 'dynalite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { capturingStore } from '../src/dynalite-recovery.ts';
import { startEmulators } from '../src/emulators.ts';

const TABLE = 'psa-local';
const dynaliteDb = createRequire(import.meta.url)('dynalite/db') as {
  getIndexActions(
    indexes: unknown[],
    existing: unknown,
    item: Record<string, unknown>,
    table: unknown,
  ): { puts: { index: string; key: string; item: unknown }[]; deletes: { index: string; key: string }[] };
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'psa-dynalite-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ticket = (receivedAt: string, owner: string | null) => ({
  pk: 'T#acme#K#t-1',
  sk: 'TICKET',
  id: 't-1',
  owner,
  receivedAt,
  gsi1pk: 'T#acme#TICKETS',
  gsi1sk: `${receivedAt}#t-1`,
});
const marshalled = (t: ReturnType<typeof ticket>) =>
  Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v === null ? { NULL: true } : { S: v }]));

const doc = (endpoint: string) =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    }),
  );

/** The runtime's table, once it is ACTIVE (dynalite answers CreateTable while it is CREATING). */
async function createTable(endpoint: string) {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  await ensureTable(client, TABLE);
  while ((await client.send(new DescribeTableCommand({ TableName: TABLE }))).Table?.TableStatus !== 'ACTIVE')
    await new Promise((r) => setTimeout(r, 10));
}

async function listed(endpoint: string) {
  const out = await doc(endpoint).send(
    new QueryCommand({
      TableName: TABLE,
      IndexName: TABLE_INDEXES.tickets.name,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': 'T#acme#TICKETS' },
    }),
  );
  // The index carries the id, owner and status; the receipt time is in its sort key.
  return (out.Items ?? []).map((i) => ({
    id: i.id,
    owner: i.owner,
    receivedAt: String(i.gsi1sk).split('#')[0],
  }));
}

/**
 * What a SIGKILL between dynalite's two writes of a PutItem leaves (indexes first, then the
 * item): the index entries of a version that was never stored. Written with dynalite's own
 * index maths into its LevelDB, as its PutItem does, on a folder whose last run did not stop.
 */
async function crashMidWrite(neverStored: ReturnType<typeof ticket>, stored: ReturnType<typeof ticket>) {
  const { result: server, store } = capturingStore((): Server => dynalite({ path: join(dir, 'dynamodb') }));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const ops: { type: 'put' | 'del'; key: string; value?: unknown }[] = [];
  for await (const [, table] of store.db.iterator({ gte: 'table~', lt: 'table~\xFF' })) {
    const t = table as { TableName: string; GlobalSecondaryIndexes: unknown[] };
    const actions = dynaliteDb.getIndexActions(
      t.GlobalSecondaryIndexes,
      marshalled(stored),
      marshalled(neverStored),
      t,
    );
    for (const d of actions.deletes)
      ops.push({ type: 'del', key: `index-global~${TABLE}~${d.index}~${d.key}` });
    for (const p of actions.puts)
      ops.push({ type: 'put', key: `index-global~${TABLE}~${p.index}~${p.key}`, value: p.item });
  }
  await store.db.batch(ops as never);
  await new Promise<void>((r) => server.close(() => r()));
  // The run that crashed never stopped cleanly.
  await rm(join(dir, 'dynamodb', 'stopped-cleanly'), { force: true });
}

describe('the DynamoDB emulator after a crash', () => {
  it('rebuilds its indexes from the items, so a write cut in half lists nothing twice or stale', async () => {
    const stored = ticket('2025-06-11T13:30:01.000Z', null);
    let emulators = await startEmulators(dir);
    await createTable(emulators.dynamodb);
    await doc(emulators.dynamodb).send(new PutCommand({ TableName: TABLE, Item: stored }));
    await emulators.stop();

    // The next write of the same item (a retry with a new receipt time) died between its index
    // entries and the item itself.
    await crashMidWrite(ticket('2025-06-11T13:30:09.000Z', 'partner'), stored);

    emulators = await startEmulators(dir);
    try {
      expect(await listed(emulators.dynamodb)).toEqual([
        { id: 't-1', owner: null, receivedAt: '2025-06-11T13:30:01.000Z' },
      ]);
      expect(emulators.staleIndexEntries).toBe(1);
    } finally {
      await emulators.stop();
    }
  });

  it('leaves the indexes alone after a clean stop', async () => {
    let emulators = await startEmulators(dir);
    await createTable(emulators.dynamodb);
    await doc(emulators.dynamodb).send(
      new PutCommand({ TableName: TABLE, Item: ticket('2025-06-11T13:30:01.000Z', 'internal') }),
    );
    await emulators.stop();
    emulators = await startEmulators(dir);
    try {
      expect(emulators.staleIndexEntries).toBe(0);
      expect(await listed(emulators.dynamodb)).toHaveLength(1);
    } finally {
      await emulators.stop();
    }
  });
});

describe('the DynamoDB emulator on a data folder of an earlier version', () => {
  it('rebuilds the indexes whose declaration changed (the ticket lists and outbox projecting more)', async () => {
    let emulators = await startEmulators(dir);
    const client = (endpoint: string) =>
      new DynamoDBClient({
        endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      });
    // The table as the version before created it: the retired list indexes, every attribute.
    await client(emulators.dynamodb).send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributeDefinitions(),
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: indexesAtUpgradeStep(0).map((idx) => ({
          IndexName: idx.name,
          KeySchema: [
            { AttributeName: idx.pk, KeyType: 'HASH' },
            { AttributeName: idx.sk, KeyType: 'RANGE' },
          ],
          Projection: projectionFor(idx),
        })),
      }),
    );
    await doc(emulators.dynamodb).send(
      new PutCommand({
        TableName: TABLE,
        Item: { ...ticket('2025-06-11T13:30:01.000Z', 'partner'), status: 'new' },
      }),
    );
    await emulators.stop();

    emulators = await startEmulators(dir);
    try {
      expect(emulators.upgradedIndexes).toEqual(
        [
          ...['gsi1', 'gsi2', 'gsi3', 'open', 'outbox'],
          ...['open-v2', 'outbox-v2', 'partner-v2', 'requester-v2', 'tickets-v2'],
        ].sort(),
      );
      const out = await doc(emulators.dynamodb).send(
        new QueryCommand({
          TableName: TABLE,
          IndexName: TABLE_INDEXES.tickets.name,
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': 'T#acme#TICKETS' },
        }),
      );
      // The ticket is in the new index, with what it projects and nothing else.
      expect(out.Items).toEqual([
        {
          pk: 'T#acme#K#t-1',
          sk: 'TICKET',
          gsi1pk: 'T#acme#TICKETS',
          gsi1sk: '2025-06-11T13:30:01.000Z#t-1',
          id: 't-1',
          owner: 'partner',
          status: 'new',
        },
      ]);
      const described = await client(emulators.dynamodb).send(new DescribeTableCommand({ TableName: TABLE }));
      expect(described.Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(
        Object.values(TABLE_INDEXES)
          .map((i) => i.name)
          .sort(),
      );
    } finally {
      await emulators.stop();
    }
    // Once upgraded, a start finds nothing to do.
    emulators = await startEmulators(dir);
    try {
      expect(emulators.upgradedIndexes).toEqual([]);
    } finally {
      await emulators.stop();
    }
  });
});
