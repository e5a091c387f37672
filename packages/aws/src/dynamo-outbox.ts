import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { OutboxEntry, OutboxKey, OutboxStore, PendingOutbox } from '@psa/model/ports';
import { keys, TABLE_INDEXES } from './table.ts';

/**
 * The transactional outbox without transactions: a record's side effects (events, queue
 * messages) are written as a map attribute `outbox` in the same item, by the same conditional
 * write as its new state. A dispatcher delivers and then removes them; a reconciler re-delivers
 * whatever a crash or an outage left behind (found through the sparse `outbox` index).
 */
export interface OutboxUpdateParts {
  set: string[];
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/** Update-expression parts that add `entries` to an item's outbox (which must exist as a map). */
export function outboxUpdateParts(entries: OutboxEntry[], now: Date, key: OutboxKey): OutboxUpdateParts {
  const parts: OutboxUpdateParts = { set: [], names: {}, values: {} };
  if (entries.length === 0) return parts;
  parts.names['#outbox'] = 'outbox';
  entries.forEach((entry, i) => {
    parts.names[`#ob${i}`] = entry.id;
    parts.values[`:ob${i}`] = entry;
    parts.set.push(`#outbox.#ob${i} = :ob${i}`);
  });
  parts.names['#outboxPk'] = TABLE_INDEXES.outbox.pk;
  parts.names['#outboxSk'] = TABLE_INDEXES.outbox.sk;
  parts.values[':outboxPk'] = keys.outboxPartition;
  parts.values[':outboxSk'] = `${now.toISOString()}#${key.pk}#${key.sk}`;
  parts.set.push('#outboxPk = :outboxPk', '#outboxSk = if_not_exists(#outboxSk, :outboxSk)');
  return parts;
}

/** Attributes a new item carries so later outbox updates can address `outbox.<id>`. */
export function outboxItemAttributes(
  entries: OutboxEntry[],
  now: Date,
  key: OutboxKey,
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
  constructor(doc: DynamoDBDocumentClient, tableName: string) {
    this.doc = doc;
    this.tableName = tableName;
  }

  async clear(key: OutboxKey, entryIds: string[]): Promise<void> {
    if (entryIds.length === 0) return;
    const names: Record<string, string> = { '#outbox': 'outbox' };
    const removes = entryIds.map((id, i) => {
      names[`#e${i}`] = id;
      return `#outbox.#e${i}`;
    });
    const indexNames = { '#opk': TABLE_INDEXES.outbox.pk, '#osk': TABLE_INDEXES.outbox.sk };
    try {
      // Usual case, one write: these were the only entries, so the record also leaves the
      // reconciler's index. A concurrent writer's extra entry makes the size check fail.
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: `REMOVE ${removes.join(', ')}, #opk, #osk`,
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
          UpdateExpression: 'REMOVE #opk, #osk',
          ConditionExpression: 'attribute_exists(pk) AND size(#outbox) = :zero',
          ExpressionAttributeNames: { ...indexNames, '#outbox': 'outbox' },
          ExpressionAttributeValues: { ':zero': 0 },
        }),
      )
      .catch(ignoreConditionFailure);
  }

  async listPending(olderThan: Date, limit: number): Promise<PendingOutbox[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: TABLE_INDEXES.outbox.name,
        KeyConditionExpression: '#pk = :pk AND #sk < :before',
        ExpressionAttributeNames: { '#pk': TABLE_INDEXES.outbox.pk, '#sk': TABLE_INDEXES.outbox.sk },
        ExpressionAttributeValues: { ':pk': keys.outboxPartition, ':before': olderThan.toISOString() },
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => ({
      key: { pk: item.pk as string, sk: item.sk as string },
      entries: Object.values((item.outbox ?? {}) as Record<string, OutboxEntry>),
    }));
  }
}

export function ignoreConditionFailure(err: unknown): void {
  if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return;
  throw err;
}

export function isConditionFailure(err: unknown): boolean {
  return (err as { name?: string }).name === 'ConditionalCheckFailedException';
}
