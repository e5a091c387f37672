import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * dynalite writes an item's secondary-index entries and then the item, as separate LevelDB
 * writes. A process killed in between leaves index entries that disagree with the table: an
 * entry of an item never stored, or of a version overwritten (the listing then shows a ticket
 * twice, one of them stale). DynamoDB derives its indexes from the table and never shows that,
 * so after an unclean stop the local runtime rebuilds every index from the items before it
 * serves a call. A clean stop leaves a marker in the folder; its absence means the last run did
 * not stop cleanly.
 */

type AttributeMap = Record<string, unknown>;

interface TableDescription {
  TableName: string;
  LocalSecondaryIndexes?: unknown[];
  GlobalSecondaryIndexes?: unknown[];
}

interface Level {
  iterator(options: { gte: string; lt: string }): AsyncIterable<[string, unknown]>;
  batch(
    operations: ({ type: 'del'; key: string } | { type: 'put'; key: string; value: unknown })[],
  ): Promise<void>;
}

/** What the runtime uses of dynalite's store (`dynalite/db`'s `create`). */
export interface DynaliteStore {
  db: Level;
}

interface DynaliteDb {
  create(options: unknown): DynaliteStore;
  getIndexActions(
    indexes: unknown[],
    existingItem: AttributeMap | null,
    item: AttributeMap,
    table: TableDescription,
  ): { puts: { index: string; key: string; item: AttributeMap }[] };
}

const dynaliteDb = createRequire(import.meta.url)('dynalite/db') as DynaliteDb;

/** Calls `start` (which starts dynalite) and returns the LevelDB store that dynalite opened. */
export function capturingStore<T>(start: () => T): { result: T; store: DynaliteStore } {
  const create = dynaliteDb.create;
  let store: DynaliteStore | undefined;
  dynaliteDb.create = (options) => {
    store = create(options);
    return store;
  };
  try {
    const result = start();
    if (!store) throw new Error('dynalite opened no store');
    return { result, store };
  } finally {
    dynaliteDb.create = create;
  }
}

const CLEAN_MARKER = 'stopped-cleanly';
/** Puts and deletes per LevelDB batch while rebuilding. */
const BATCH = 500;

const prefixRange = (prefix: string) => ({ gte: prefix, lt: `${prefix}\xFF` });

/** Whether the folder's last run stopped without writing its marker (a crash); removes the marker. */
export async function stoppedUncleanly(path: string): Promise<boolean> {
  const marker = join(path, CLEAN_MARKER);
  const unclean = existsSync(path) && !existsSync(marker);
  await rm(marker, { force: true });
  return unclean;
}

export async function markStoppedCleanly(path: string): Promise<void> {
  if (existsSync(path)) await writeFile(join(path, CLEAN_MARKER), `${new Date().toISOString()}\n`);
}

/**
 * Rebuilds every secondary index of every table from the table's items, with dynalite's own
 * index maths. Returns how many index entries it removed that had no item behind them, or no
 * longer matched it.
 */
export async function rebuildIndexes(store: DynaliteStore): Promise<{ tables: number; stale: number }> {
  const { db } = store;
  const tables: TableDescription[] = [];
  for await (const [, table] of db.iterator(prefixRange('table~'))) tables.push(table as TableDescription);
  let stale = 0;
  let rebuilt = 0;
  for (const table of tables) {
    const kinds = [
      ['local', table.LocalSecondaryIndexes ?? []],
      ['global', table.GlobalSecondaryIndexes ?? []],
    ] as const;
    if (kinds.every(([, indexes]) => indexes.length === 0)) continue;
    rebuilt++;
    // What the indexes should hold: derived from each item, as dynalite derives it on a write.
    const wanted = new Map<string, AttributeMap>();
    for await (const [, item] of db.iterator(prefixRange(`item-${table.TableName}~`))) {
      for (const [kind, indexes] of kinds) {
        for (const put of dynaliteDb.getIndexActions([...indexes], null, item as AttributeMap, table).puts)
          wanted.set(`index-${kind}~${table.TableName}~${put.index}~${put.key}`, put.item);
      }
    }
    const ops: Parameters<Level['batch']>[0] = [];
    const flush = async (force = false) => {
      if (ops.length >= BATCH || (force && ops.length > 0)) await db.batch(ops.splice(0));
    };
    for (const [kind] of kinds) {
      for await (const [key] of db.iterator(prefixRange(`index-${kind}~${table.TableName}~`))) {
        if (wanted.has(key)) continue;
        stale++;
        ops.push({ type: 'del', key });
        await flush();
      }
    }
    for (const [key, value] of wanted) {
      ops.push({ type: 'put', key, value });
      await flush();
    }
    await flush(true);
  }
  return { tables: rebuilt, stale };
}
