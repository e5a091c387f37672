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
  TableArn?: string;
  AttributeDefinitions?: { AttributeName: string; AttributeType: string }[];
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
 * Rebuilds the secondary indexes of every table from the table's items, with dynalite's own
 * index maths: every index, or only those named in `only` (an index named there that the table
 * no longer declares loses all its entries). Returns how many index entries it removed that had
 * no item behind them, or no longer matched it.
 */
export async function rebuildIndexes(
  store: DynaliteStore,
  only?: ReadonlySet<string>,
): Promise<{ tables: number; stale: number }> {
  const { db } = store;
  const tables: TableDescription[] = [];
  for await (const [, table] of db.iterator(prefixRange('table~'))) tables.push(table as TableDescription);
  const chosen = (indexes: unknown[]) =>
    only ? indexes.filter((i) => only.has((i as { IndexName: string }).IndexName)) : indexes;
  let stale = 0;
  let rebuilt = 0;
  for (const table of tables) {
    const kinds = [
      ['local', chosen(table.LocalSecondaryIndexes ?? [])],
      ['global', chosen(table.GlobalSecondaryIndexes ?? [])],
    ] as const;
    if (!only && kinds.every(([, indexes]) => indexes.length === 0)) continue;
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
    const prefixes = only
      ? [...only].flatMap((name) => kinds.map(([kind]) => `index-${kind}~${table.TableName}~${name}~`))
      : kinds.map(([kind]) => `index-${kind}~${table.TableName}~`);
    for (const prefix of prefixes) {
      for await (const [key] of db.iterator(prefixRange(prefix))) {
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

/** A global secondary index as CreateTable declares it. */
export interface DeclaredIndex {
  IndexName: string;
  KeySchema: { AttributeName: string; KeyType: string }[];
  Projection: { ProjectionType: string; NonKeyAttributes?: string[] };
}

const sameIndex = (a: DeclaredIndex, b: DeclaredIndex) => {
  const projection = (p: DeclaredIndex['Projection']) =>
    JSON.stringify([p.ProjectionType, [...(p.NonKeyAttributes ?? [])].sort()]);
  return (
    a.IndexName === b.IndexName &&
    JSON.stringify(a.KeySchema) === JSON.stringify(b.KeySchema) &&
    projection(a.Projection) === projection(b.Projection)
  );
};

/**
 * Brings the global secondary indexes every table of the folder declares to `declared` (the
 * table layout of this version), then fills the indexes that changed from the items. A folder an
 * earlier version created keeps its data when an index was added, removed or given another
 * projection: DynamoDB cannot change a projection in place, and dynalite keeps the declaration
 * it was created with. Returns the names of the indexes added, replaced or removed.
 */
export async function upgradeIndexes(
  store: DynaliteStore,
  declared: {
    indexes: readonly DeclaredIndex[];
    attributes: readonly { AttributeName: string; AttributeType: string }[];
  },
): Promise<string[]> {
  const { db } = store;
  const changed = new Set<string>();
  const updates: Parameters<Level['batch']>[0] = [];
  for await (const [key, value] of db.iterator(prefixRange('table~'))) {
    const table = value as TableDescription;
    const had = (table.GlobalSecondaryIndexes ?? []) as DeclaredIndex[];
    const kept = declared.indexes.map((want) => {
      const was = had.find((h) => sameIndex(h, want));
      if (was) return was;
      changed.add(want.IndexName);
      return {
        ...structuredClone(want),
        IndexArn: `${table.TableArn}/index/${want.IndexName}`,
        IndexSizeBytes: 0,
        ItemCount: 0,
        IndexStatus: 'ACTIVE',
        ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 0, NumberOfDecreasesToday: 0 },
      };
    });
    for (const h of had)
      if (!declared.indexes.some((d) => d.IndexName === h.IndexName)) changed.add(h.IndexName);
    if (kept.every((k, i) => k === had[i]) && kept.length === had.length) continue;
    const attributes = [...(table.AttributeDefinitions ?? [])];
    for (const a of declared.attributes)
      if (!attributes.some((b) => b.AttributeName === a.AttributeName)) attributes.push({ ...a });
    updates.push({
      type: 'put',
      key,
      value: { ...table, AttributeDefinitions: attributes, GlobalSecondaryIndexes: kept },
    });
  }
  if (updates.length === 0) return [];
  await db.batch(updates);
  await rebuildIndexes(store, changed);
  return [...changed].sort();
}
