import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OutboxEntry } from '@psa/model/ports';
import { IndexReads, keyOf } from './index-reads.ts';
import { keys, TABLE_INDEXES } from './table.ts';

/** One record with undelivered outbox entries, as an operator inspects it. */
export interface PendingRecord {
  /** When the record's outbox first held an entry that is still undelivered (its index key). */
  since: string;
  /** The record's primary key: which ticket, SLA clock or other item carries the entries. */
  record: { pk: string; sk: string };
  entries: OutboxEntry[];
}

export interface BacklogPage {
  records: PendingRecord[];
  /** Set when there are more records than `limit`: pass it back as `cursor`. */
  nextCursor: string | null;
}

/**
 * The records with undelivered outbox entries, oldest first, read from the sparse outbox index
 * the reconciler drains (see ./dynamo-outbox.ts: its sort key starts with the ISO instant the
 * record's outbox became non-empty). Read-only: for `psa outbox` and for measuring the backlog.
 */
export async function listOutboxBacklog(
  doc: DynamoDBDocumentClient,
  tableName: string,
  options: { limit?: number; cursor?: string | null } = {},
): Promise<BacklogPage> {
  const limit = options.limit ?? 100;
  const records: PendingRecord[] = [];
  let startKey = options.cursor
    ? (JSON.parse(Buffer.from(options.cursor, 'base64url').toString()) as Record<string, unknown>)
    : undefined;
  const indexes = new IndexReads(doc, tableName);
  do {
    const out = await indexes.query('outbox', {
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': TABLE_INDEXES.outbox.pk },
      ExpressionAttributeValues: { ':pk': keys.outboxPartition },
      ScanIndexForward: true,
      Limit: limit - records.length,
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    });
    // The index carries keys only: the outboxes are read from the records.
    const outboxes = await indexes.attributesOf(out.Items ?? [], ['outbox']);
    for (const item of out.Items ?? []) {
      const record = outboxes.get(keyOf(item));
      if (!record) continue;
      const sortKey = String(item[TABLE_INDEXES.outbox.sk] ?? '');
      records.push({
        since: sortKey.slice(0, sortKey.indexOf('#')),
        record: { pk: item.pk as string, sk: item.sk as string },
        entries: Object.values((record.outbox ?? {}) as Record<string, OutboxEntry>),
      });
    }
    startKey = out.LastEvaluatedKey;
  } while (startKey && records.length < limit);
  return {
    records,
    nextCursor: startKey ? Buffer.from(JSON.stringify(startKey)).toString('base64url') : null,
  };
}
