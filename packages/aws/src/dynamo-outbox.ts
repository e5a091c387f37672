import { type DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DeadLetter, OutboxEntry, OutboxRef, OutboxStore, PendingOutbox } from '@psa/model/ports';
import { IndexReads, keyOf } from './index-reads.ts';
import { keys, TABLE_INDEXES } from './table.ts';

/** The primary key of an item that carries an outbox. */
export interface ItemKey {
  pk: string;
  sk: string;
}

/** The reference the stores hand back for an item's outbox: its key, which only adapters read. */
export function outboxRef(key: ItemKey): OutboxRef {
  return JSON.stringify([key.pk, key.sk]) as OutboxRef;
}

/** The item an outbox reference made by {@link outboxRef} points at. */
export function itemKeyOf(ref: OutboxRef): ItemKey {
  const parsed: unknown = JSON.parse(ref);
  if (Array.isArray(parsed) && parsed.length === 2) {
    const [pk, sk] = parsed as unknown[];
    if (typeof pk === 'string' && typeof sk === 'string') return { pk, sk };
  }
  throw new Error(`not an outbox reference of this table: ${ref}`);
}

/**
 * The transactional outbox without transactions: a record's side effects (events, queue
 * messages) are written as a map attribute `outbox` in the same item, by the same conditional
 * write as its new state. A dispatcher delivers and then removes them; a reconciler re-delivers
 * whatever a crash or an outage left behind (found through the sparse `outbox` index).
 */
export interface OutboxUpdateParts {
  set: string[];
  remove: string[];
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/**
 * Update-expression parts that add `entries` to an item's outbox (which must exist as a map) and
 * remove the `settled` ones (delivered, see `TicketStore.update`). Settled entries are only
 * removed by a write that adds entries: the item then stays listed for the reconciler anyway, and
 * its position there moves to now, so the new entries are not taken for old ones (an older entry
 * still pending waits that much longer, and is not lost).
 */
export function outboxUpdateParts(
  entries: OutboxEntry[],
  now: Date,
  key: ItemKey,
  settled: readonly string[] = [],
): OutboxUpdateParts {
  const parts: OutboxUpdateParts = { set: [], remove: [], names: {}, values: {} };
  if (entries.length === 0) return parts;
  parts.names['#outbox'] = 'outbox';
  entries.forEach((entry, i) => {
    parts.names[`#ob${i}`] = entry.id;
    parts.values[`:ob${i}`] = entry;
    parts.set.push(`#outbox.#ob${i} = :ob${i}`);
  });
  const adding = new Set(entries.map((e) => e.id));
  settled
    .filter((id) => !adding.has(id))
    .forEach((id, i) => {
      parts.names[`#os${i}`] = id;
      parts.remove.push(`#outbox.#os${i}`);
    });
  parts.names['#outboxPk'] = TABLE_INDEXES.outbox.pk;
  parts.names['#outboxSk'] = TABLE_INDEXES.outbox.sk;
  parts.values[':outboxPk'] = keys.outboxPartition;
  parts.values[':outboxSk'] = `${now.toISOString()}#${key.pk}#${key.sk}`;
  parts.set.push(
    '#outboxPk = :outboxPk',
    parts.remove.length > 0 ? '#outboxSk = :outboxSk' : '#outboxSk = if_not_exists(#outboxSk, :outboxSk)',
  );
  return parts;
}

/** Attributes a new item carries so later outbox updates can address `outbox.<id>`. */
export function outboxItemAttributes(
  entries: OutboxEntry[],
  now: Date,
  key: ItemKey,
): Record<string, unknown> {
  if (entries.length === 0) return { outbox: {} };
  return {
    outbox: Object.fromEntries(entries.map((e) => [e.id, e])),
    [TABLE_INDEXES.outbox.pk]: keys.outboxPartition,
    [TABLE_INDEXES.outbox.sk]: `${now.toISOString()}#${key.pk}#${key.sk}`,
  };
}

export class DynamoOutboxStore implements OutboxStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly indexes: IndexReads;
  constructor(doc: DynamoDBDocumentClient, tableName: string) {
    this.doc = doc;
    this.tableName = tableName;
    this.indexes = new IndexReads(doc, tableName);
  }

  async clear(ref: OutboxRef, entryIds: string[]): Promise<void> {
    if (entryIds.length === 0) return;
    const key = itemKeyOf(ref);
    const names: Record<string, string> = { '#outbox': 'outbox' };
    const removes = entryIds.map((id, i) => {
      names[`#e${i}`] = id;
      return `#outbox.#e${i}`;
    });
    const indexNames = {
      '#opk': TABLE_INDEXES.outbox.pk,
      '#osk': TABLE_INDEXES.outbox.sk,
      '#attempts': ATTEMPTS,
    };
    try {
      // Usual case, one write: these were the only entries, so the record also leaves the
      // reconciler's index. A concurrent writer's extra entry makes the size check fail.
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: `REMOVE ${removes.join(', ')}, #opk, #osk, #attempts`,
          ConditionExpression: 'attribute_exists(pk) AND size(#outbox) = :n',
          ExpressionAttributeNames: { ...names, ...indexNames },
          ExpressionAttributeValues: { ':n': entryIds.length },
        }),
      );
      return;
    } catch (err) {
      ignoreConditionFailure(err);
    }
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: `REMOVE ${removes.join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
        }),
      )
      .catch(ignoreConditionFailure);
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'REMOVE #opk, #osk, #attempts',
          ConditionExpression: 'attribute_exists(pk) AND size(#outbox) = :zero',
          ExpressionAttributeNames: { ...indexNames, '#outbox': 'outbox' },
          ExpressionAttributeValues: { ':zero': 0 },
        }),
      )
      .catch(ignoreConditionFailure);
  }

  async listPending(olderThan: Date, limit: number, after?: string): Promise<PendingOutbox[]> {
    const out = await this.indexes.query('outbox', {
      KeyConditionExpression: '#pk = :pk AND #sk < :before',
      ExpressionAttributeNames: { '#pk': TABLE_INDEXES.outbox.pk, '#sk': TABLE_INDEXES.outbox.sk },
      ExpressionAttributeValues: { ':pk': keys.outboxPartition, ':before': olderThan.toISOString() },
      Limit: limit,
      ...(after ? { ExclusiveStartKey: JSON.parse(after) as Record<string, string> } : {}),
    });
    const entries = out.Items ?? [];
    // The index carries keys only: the outboxes are read from the records, as they are now.
    const records = await this.indexes.attributesOf(entries, ['outbox', ATTEMPTS]);
    return entries.flatMap((entry) => {
      const item = records.get(keyOf(entry));
      if (!item) return [];
      return [
        {
          ref: outboxRef({ pk: entry.pk as string, sk: entry.sk as string }),
          entries: Object.values((item.outbox ?? {}) as Record<string, OutboxEntry>),
          attempts: (item[ATTEMPTS] ?? {}) as Record<string, number>,
          // The index position of this record as listed: a page that starts behind it.
          position: JSON.stringify({
            [TABLE_INDEXES.outbox.pk]: entry[TABLE_INDEXES.outbox.pk],
            [TABLE_INDEXES.outbox.sk]: entry[TABLE_INDEXES.outbox.sk],
            pk: entry.pk,
            sk: entry.sk,
          }),
        },
      ];
    });
  }

  async defer(ref: OutboxRef, attempts: Record<string, number>, retryAt: Date | null): Promise<void> {
    const key = itemKeyOf(ref);
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          // The index orders records by when their entries were written: moving a record there
          // makes it wait as if written at `retryAt`.
          UpdateExpression: `SET #attempts = :attempts${retryAt ? ', #osk = :due' : ''}`,
          // Only while the record is still pending: a cleared one must not come back to the index.
          ConditionExpression: 'attribute_exists(#opk)',
          ExpressionAttributeNames: {
            '#attempts': ATTEMPTS,
            '#opk': TABLE_INDEXES.outbox.pk,
            ...(retryAt ? { '#osk': TABLE_INDEXES.outbox.sk } : {}),
          },
          ExpressionAttributeValues: {
            ':attempts': attempts,
            ...(retryAt ? { ':due': `${retryAt.toISOString()}#${key.pk}#${key.sk}` } : {}),
          },
        }),
      )
      .catch(ignoreConditionFailure);
  }

  async deadLetter(letters: DeadLetter[]): Promise<void> {
    for (const letter of letters) {
      const key = itemKeyOf(letter.ref);
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.outboxDeadLetter(letter.at, `${key.pk}#${key.sk}`, letter.entry.id), ...letter },
        }),
      );
    }
    for (const ref of new Set(letters.map((l) => l.ref))) {
      await this.clear(
        ref,
        letters.filter((l) => l.ref === ref).map((l) => l.entry.id),
      );
    }
  }

  async listDeadLetters(limit: number): Promise<DeadLetter[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.outboxDeadLetters },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map(({ ref, entry, attempts, error, at }) => ({
      ref: ref as OutboxRef,
      entry: entry as OutboxEntry,
      attempts: Number(attempts),
      error: String(error),
      at: String(at),
    }));
  }
}

/** The item attribute counting the reconciler's failed attempts per entry. */
const ATTEMPTS = 'outboxAttempts';

export function ignoreConditionFailure(err: unknown): void {
  if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return;
  throw err;
}

export function isConditionFailure(err: unknown): boolean {
  return (err as { name?: string }).name === 'ConditionalCheckFailedException';
}

/**
 * Writes a marker item (the relief report of a month, its digest, a month's pulse invitations)
 * only if it does not exist yet, carrying `outbox`: exactly once per key, whoever runs it. The
 * marker's reference when this call wrote it, null when it was there already.
 */
export async function putMarkerOnce(
  doc: DynamoDBDocumentClient,
  tableName: string,
  key: ItemKey,
  outbox: OutboxEntry[],
  now: Date,
  attributes: Record<string, unknown>,
): Promise<OutboxRef | null> {
  try {
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...key, ...attributes, ...outboxItemAttributes(outbox, now, key) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return outboxRef(key);
  } catch (err) {
    if (isConditionFailure(err)) return null;
    throw err;
  }
}
