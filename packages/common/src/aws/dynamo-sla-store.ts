import { type DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { StaleWriteError } from '../errors.ts';
import type { OutboxEntry, SlaStore } from '../ports.ts';
import { nextFireAt, type SlaClockRecord, SlaClockRecordSchema } from '../sla-clock.ts';
import { keys, TABLE_INDEXES } from '../table.ts';
import { isConditionFailure, outboxItemAttributes, outboxUpdateParts } from './dynamo-outbox.ts';

const FIELDS = Object.keys(SlaClockRecordSchema.shape);
const pick = (item: Record<string, unknown>): SlaClockRecord =>
  Object.fromEntries(FIELDS.map((f) => [f, item[f] ?? null])) as SlaClockRecord;

/**
 * SLA clocks live in their ticket's partition (`SLA#firstResponse`, `SLA#resolution`). A clock
 * that still has a warning or a breach ahead is in the sparse `due` index under the hour bucket
 * of its next fire time, so a sweep reads what is due and nothing else.
 */
export class DynamoSlaStore implements SlaStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly now: () => Date;
  constructor(doc: DynamoDBDocumentClient, tableName: string, now: () => Date = () => new Date()) {
    this.doc = doc;
    this.tableName = tableName;
    this.now = now;
  }

  async listClocks(tenantId: string, ticketId: string): Promise<SlaClockRecord[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sla)',
        ExpressionAttributeValues: { ':pk': keys.ticketPartition(tenantId, ticketId), ':sla': 'SLA#' },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map(pick);
  }

  async saveClock(clock: SlaClockRecord, outbox: OutboxEntry[]): Promise<void> {
    const key = keys.sla(clock.tenantId, clock.ticketId, clock.target);
    const fire = nextFireAt(clock);
    const due = fire
      ? {
          [TABLE_INDEXES.due.pk]: keys.dueBucket(fire),
          [TABLE_INDEXES.due.sk]: `${fire.toISOString()}#${key.pk}#${key.sk}`,
        }
      : {};
    try {
      if (clock.rev === 1) {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...key, ...clock, ...due, ...outboxItemAttributes(outbox, this.now(), key) },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return;
      }
      // An update, not a put: entries still pending in the outbox from an earlier revision stay.
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = { ':prev': clock.rev - 1 };
      const sets: string[] = [];
      Object.entries({ ...clock, ...due }).forEach(([k, v], i) => {
        names[`#a${i}`] = k;
        values[`:a${i}`] = v;
        sets.push(`#a${i} = :a${i}`);
      });
      const ob = outboxUpdateParts(outbox, this.now(), key);
      Object.assign(names, ob.names, { '#rev': 'rev' });
      if (!fire) Object.assign(names, { '#dpk': TABLE_INDEXES.due.pk, '#dsk': TABLE_INDEXES.due.sk });
      Object.assign(values, ob.values);
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: `SET ${[...sets, ...ob.set].join(', ')}${fire ? '' : ' REMOVE #dpk, #dsk'}`,
          ConditionExpression: '#rev = :prev',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) {
        throw new StaleWriteError(`SLA clock ${key.pk}/${key.sk} changed`, { cause: err });
      }
      throw err;
    }
  }

  async listDue(bucket: string, until: Date, limit: number): Promise<SlaClockRecord[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: TABLE_INDEXES.due.name,
        KeyConditionExpression: '#pk = :pk AND #sk <= :until',
        ExpressionAttributeNames: { '#pk': TABLE_INDEXES.due.pk, '#sk': TABLE_INDEXES.due.sk },
        ExpressionAttributeValues: { ':pk': bucket, ':until': `${until.toISOString()}#~` },
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map(pick);
  }
}
