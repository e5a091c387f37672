import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo, Server } from 'node:net';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { attributeDefinitions, globalSecondaryIndexes } from '@psa/aws/table-admin';
import dynalite from 'dynalite';
import { makeDynaliteWritesAtomic } from './dynalite-atomic.ts';
import {
  capturingStore,
  markStoppedCleanly,
  rebuildIndexes,
  stoppedUncleanly,
  upgradeIndexes,
} from './dynalite-recovery.ts';
import { describeCall } from './dynamo-call-kinds.ts';

/**
 * The DynamoDB emulator's thread (see ./emulators.ts): dynalite on LevelDB in the data folder,
 * with its crash safety (atomic item and index writes, index rebuild after an unclean stop), on a
 * core of its own. It counts the calls it serves by operation into `counts` (shared memory the
 * runtime reads at any moment) and by operation and record in a map the runtime may ask for.
 */
export interface DynaliteWorkerData {
  dataDir: string;
  /** One Int32 per name of `operations`, the last for any other. */
  counts: SharedArrayBuffer;
  operations: readonly string[];
}

export type DynaliteWorkerMessage =
  | { type: 'ready'; port: number; stale: number; upgradedIndexes: string[] }
  | { type: 'imported'; id: number; count: number }
  | { type: 'breakdown'; calls: [string, number][] }
  | { type: 'stopped' }
  | { type: 'failed'; message: string };

const { dataDir, counts, operations } = workerData as DynaliteWorkerData;
const port = parentPort!;
const counters = new Int32Array(counts);
const breakdown = new Map<string, number>();

type Item = Record<string, unknown>;
interface TableDescription {
  TableName: string;
  LocalSecondaryIndexes?: unknown[];
  GlobalSecondaryIndexes?: unknown[];
}
const dynaliteDb = createRequire(import.meta.url)('dynalite/db') as {
  createKey(item: Item, table: TableDescription): string;
  getIndexActions(
    indexes: unknown[],
    existing: Item | null,
    item: Item,
    table: TableDescription,
  ): { puts: { index: string; key: string; item: Item }[] };
};
/** Puts per LevelDB batch of an import. */
const IMPORT_BATCH = 2_000;

/**
 * Writes new items (in DynamoDB's JSON, as dynalite keeps them) straight into the store with
 * their index entries, the way DynamoDB's import from S3 fills a table without a write request
 * per item. For benchmarks that need a large table before they measure; items must not exist yet.
 */
async function importItems(
  db: {
    get(key: string): Promise<unknown>;
    batch(ops: { type: 'put'; key: string; value: unknown }[]): Promise<void>;
  },
  tableName: string,
  items: Item[],
): Promise<number> {
  const table = (await db.get(`table~${tableName}`)) as TableDescription;
  let ops: { type: 'put'; key: string; value: unknown }[] = [];
  for (const item of items) {
    for (const type of ['Local', 'Global'] as const) {
      const indexes = table[`${type}SecondaryIndexes`] ?? [];
      for (const put of dynaliteDb.getIndexActions(indexes, null, item, table).puts)
        ops.push({
          type: 'put',
          key: `index-${type.toLowerCase()}~${tableName}~${put.index}~${put.key}`,
          value: put.item,
        });
    }
    ops.push({ type: 'put', key: `item-${tableName}~${dynaliteDb.createKey(item, table)}`, value: item });
    if (ops.length >= IMPORT_BATCH) {
      await db.batch(ops);
      ops = [];
    }
  }
  if (ops.length > 0) await db.batch(ops);
  return items.length;
}

try {
  makeDynaliteWritesAtomic();
  const dynamoPath = join(dataDir, 'dynamodb');
  const unclean = await stoppedUncleanly(dynamoPath);
  const { result: server, store } = capturingStore(
    (): Server => dynalite({ path: dynamoPath, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }),
  );
  // A folder an earlier version created may declare other indexes (another projection, say):
  // brought to this version's layout and filled from the items before the first call.
  const upgradedIndexes = await upgradeIndexes(store, {
    indexes: globalSecondaryIndexes(),
    attributes: attributeDefinitions(),
  });
  // After a crash the indexes may disagree with the items (./dynalite-recovery.ts): rebuilt
  // before the first call.
  const { stale } = unclean ? await rebuildIndexes(store) : { stale: 0 };
  server.on('request', (req: IncomingMessage) => {
    const op = (req.headers['x-amz-target'] as string | undefined)?.split('.')[1] ?? 'unknown';
    const i = operations.indexOf(op);
    Atomics.add(counters, i === -1 ? operations.length : i, 1);
    // dynalite reads the body with its own 'data' listener, attached first; this one sees the same chunks.
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const call = describeCall(op, Buffer.concat(chunks).toString('utf8'));
      breakdown.set(call, (breakdown.get(call) ?? 0) + 1);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port.on(
    'message',
    (msg: { type: 'breakdown' | 'stop' } | { type: 'import'; id: number; table: string; items: Item[] }) => {
      if (msg.type === 'import') {
        importItems(store.db as never, msg.table, msg.items).then(
          (count) =>
            port.postMessage({ type: 'imported', id: msg.id, count } satisfies DynaliteWorkerMessage),
          (err: Error) =>
            port.postMessage({ type: 'failed', message: err.message } satisfies DynaliteWorkerMessage),
        );
        return;
      }
      if (msg.type === 'breakdown') {
        port.postMessage({ type: 'breakdown', calls: [...breakdown] } satisfies DynaliteWorkerMessage);
        return;
      }
      server.close(() => {
        markStoppedCleanly(dynamoPath).then(
          () => port.postMessage({ type: 'stopped' } satisfies DynaliteWorkerMessage),
          (err: Error) =>
            port.postMessage({ type: 'failed', message: err.message } satisfies DynaliteWorkerMessage),
        );
      });
    },
  );
  port.postMessage({
    type: 'ready',
    port: (server.address() as AddressInfo).port,
    stale,
    upgradedIndexes,
  } satisfies DynaliteWorkerMessage);
} catch (err) {
  port.postMessage({
    type: 'failed',
    message: (err as Error).stack ?? String(err),
  } satisfies DynaliteWorkerMessage);
}
