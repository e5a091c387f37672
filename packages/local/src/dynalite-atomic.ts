import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/**
 * Makes dynalite's item writes crash-atomic, as DynamoDB's are.
 *
 * dynalite writes an item's index entries first and the item itself afterwards, as separate
 * LevelDB writes (`db.updateIndexes`, then `itemDb.put`/`del`). A process killed between the two
 * (SIGKILL while a PutItem is in flight) leaves index entries for an item that was never
 * written: a phantom ticket in the tickets index, a phantom outbox entry the reconciler then
 * delivers, for a ticket no client was ever told about. DynamoDB never shows that.
 *
 * All of dynalite's sub-databases are key prefixes of one LevelDB, so the fix is to write the
 * index changes and the item in one LevelDB batch: `updateIndexes` computes the index
 * operations (with dynalite's own `getIndexActions`) and parks them under the item's key, and
 * the item's put or delete, which follows under the same per-item lock, writes them together.
 * Applied once per process, by the local runtime and the test tables; nothing in AWS runs this.
 */
interface LevelOp {
  type: 'put' | 'del';
  key: string;
  value?: unknown;
}
interface DynaliteDb {
  updateIndexes: (
    store: unknown,
    table: Table,
    existing: unknown,
    item: unknown,
    cb: (err?: Error) => void,
  ) => void;
  getIndexActions: (
    indexes: unknown[],
    existing: unknown,
    item: unknown,
    table: Table,
  ) => { puts: { index: string; key: string; item: unknown }[]; deletes: { index: string; key: string }[] };
  createKey: (item: unknown, table: Table) => string;
}
interface Table {
  TableName: string;
  LocalSecondaryIndexes?: unknown[];
  GlobalSecondaryIndexes?: unknown[];
}
interface LevelPrototype {
  put: (this: LevelPrototype, key: unknown, value: unknown, ...rest: unknown[]) => Promise<void>;
  del: (this: LevelPrototype, key: unknown, ...rest: unknown[]) => Promise<void>;
  batch: (this: LevelPrototype, ops: LevelOp[]) => Promise<void>;
}

let applied = false;

export function makeDynaliteWritesAtomic(): void {
  if (applied) return;
  applied = true;
  const require = createRequire(import.meta.url);
  const dynaliteDir = dirname(require.resolve('dynalite'));
  const db = require(require.resolve('./db/index.js', { paths: [dynaliteDir] })) as DynaliteDb;
  // Both stores dynalite opens: LevelDB on disk (the runtime) and in memory (tests).
  const stores = [
    (require(require.resolve('level', { paths: [dynaliteDir] })) as { Level: { prototype: LevelPrototype } })
      .Level,
    (
      require(require.resolve('memory-level', { paths: [dynaliteDir] })) as {
        MemoryLevel: { prototype: LevelPrototype };
      }
    ).MemoryLevel,
  ];

  /** Index operations waiting for their item's write, by the item's LevelDB key. */
  const parked = new Map<string, LevelOp[]>();

  db.updateIndexes = (_store, table, existing, item, cb) => {
    if (!existing && !item) return cb();
    const ops: LevelOp[] = [];
    for (const type of ['Local', 'Global'] as const) {
      const indexes = table[`${type}SecondaryIndexes`] ?? [];
      const actions = db.getIndexActions(indexes, existing, item, table);
      const prefix = (index: string) => `index-${type.toLowerCase()}~${table.TableName}~${index}~`;
      for (const d of actions.deletes) ops.push({ type: 'del', key: prefix(d.index) + d.key });
      for (const p of actions.puts) ops.push({ type: 'put', key: prefix(p.index) + p.key, value: p.item });
    }
    if (ops.length > 0) parked.set(`item-${table.TableName}~${db.createKey(item ?? existing, table)}`, ops);
    cb();
  };

  for (const Store of stores) {
    const { put, del, batch } = Store.prototype;
    Store.prototype.put = function (key, value, ...rest) {
      const ops = typeof key === 'string' ? parked.get(key) : undefined;
      if (!ops) return put.call(this, key, value, ...rest);
      parked.delete(key as string);
      return batch.call(this, [...ops, { type: 'put', key: key as string, value }]);
    };
    Store.prototype.del = function (key, ...rest) {
      const ops = typeof key === 'string' ? parked.get(key) : undefined;
      if (!ops) return del.call(this, key, ...rest);
      parked.delete(key as string);
      return batch.call(this, [...ops, { type: 'del', key: key as string }]);
    };
  }
}
