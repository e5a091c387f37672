import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@psa/aws/dynamo-client';
import { TABLE_INDEXES } from '@psa/aws/table';
import { ensureTable } from '@psa/aws/table-admin';
import dynalite from 'dynalite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDynaliteWritesAtomic } from '../src/dynalite-atomic.ts';

/**
 * A SIGKILL between two LevelDB writes must not leave index entries without their item: every
 * item write reaches LevelDB as one batch holding the item and its index changes.
 */
const require = createRequire(import.meta.url);
const { Level } = require(require.resolve('level', { paths: [dirname(require.resolve('dynalite'))] })) as {
  Level: { prototype: { batch: (ops: { type: string; key: string }[]) => Promise<void> } };
};

let dir: string;
let server: ReturnType<typeof dynalite>;
let doc: ReturnType<typeof createDocumentClient>;
const writes: { type: string; key: string }[][] = [];

beforeAll(async () => {
  // Record what reaches LevelDB as a batch (before the patch, which writes through it).
  const batch = Level.prototype.batch;
  Level.prototype.batch = function (ops) {
    writes.push(ops.map(({ type, key }) => ({ type, key })));
    return batch.call(this, ops);
  };
  makeDynaliteWritesAtomic();
  dir = await mkdtemp(join(tmpdir(), 'psa-dynalite-atomic-'));
  server = dynalite({ path: join(dir, 'db'), createTableMs: 0 });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const config = {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  const client = new DynamoDBClient(config);
  await ensureTable(client, 'atomic');
  // dynalite answers CreateTable while the table is CREATING; a write before ACTIVE is refused.
  while (
    (await client.send(new DescribeTableCommand({ TableName: 'atomic' }))).Table?.TableStatus !== 'ACTIVE'
  )
    await new Promise((r) => setTimeout(r, 10));
  doc = createDocumentClient(config);
});

afterAll(async () => {
  doc.destroy();
  await new Promise<void>((r) => server.close(() => r()));
  await rm(dir, { recursive: true, force: true });
});

const outboxIndex = TABLE_INDEXES.outbox;
const pending = () =>
  doc
    .send(
      new QueryCommand({
        TableName: 'atomic',
        IndexName: outboxIndex.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': outboxIndex.pk },
        ExpressionAttributeValues: { ':pk': 'OUTBOX' },
      }),
    )
    .then((r) => (r.Items ?? []).map((i) => i.pk));

describe('dynalite item writes', () => {
  it('write an item and its index entries in one batch, and move and remove index entries with it', async () => {
    writes.length = 0;
    await doc.send(
      new PutCommand({
        TableName: 'atomic',
        Item: { pk: 'T#a#K#1', sk: 'TICKET', [outboxIndex.pk]: 'OUTBOX', [outboxIndex.sk]: '2026-01-01#1' },
      }),
    );
    expect(writes).toHaveLength(1);
    expect(writes[0]!.map((w) => `${w.type} ${w.key.split('~')[0]}`).sort()).toEqual([
      'put index-global',
      'put item-atomic',
    ]);
    expect(await pending()).toEqual(['T#a#K#1']);

    writes.length = 0;
    await doc.send(
      new UpdateCommand({
        TableName: 'atomic',
        Key: { pk: 'T#a#K#1', sk: 'TICKET' },
        UpdateExpression: 'REMOVE #opk, #osk',
        ExpressionAttributeNames: { '#opk': outboxIndex.pk, '#osk': outboxIndex.sk },
      }),
    );
    expect(writes).toHaveLength(1);
    expect(writes[0]!.map((w) => `${w.type} ${w.key.split('~')[0]}`).sort()).toEqual([
      'del index-global',
      'put item-atomic',
    ]);
    expect(await pending()).toEqual([]);

    await doc.send(
      new PutCommand({
        TableName: 'atomic',
        Item: { pk: 'T#a#K#2', sk: 'TICKET', [outboxIndex.pk]: 'OUTBOX', [outboxIndex.sk]: '2026-01-01#2' },
      }),
    );
    writes.length = 0;
    await doc.send(new DeleteCommand({ TableName: 'atomic', Key: { pk: 'T#a#K#2', sk: 'TICKET' } }));
    expect(writes).toHaveLength(1);
    expect(writes[0]!.map((w) => `${w.type} ${w.key.split('~')[0]}`).sort()).toEqual([
      'del index-global',
      'del item-atomic',
    ]);
    expect(await pending()).toEqual([]);
  });
});
