import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { StaleWriteError } from '@psa/model/errors';
import type { OutboxEntry, OutboxRef } from '@psa/model/ports';
import {
  type DueWindow,
  nextFireAt,
  type SlaClockRecord,
  SlaClockRecordSchema,
  type SlaClockStore,
} from '@psa/model/sla-clock';
import { isConditionFailure, outboxItemAttributes, outboxRef, outboxUpdateParts } from './dynamo-outbox.ts';
import { queryAll } from './query-all.ts';
import { keys, TABLE_INDEXES } from './table.ts';

const FIELDS = Object.keys(SlaClockRecordSchema.shape);
function pick(item: Record<string, unknown>): SlaClockRecord {
  const clock = Object.fromEntries(FIELDS.map((f) => [f, item[f] ?? null])) as SlaClockRecord;
  if (clock.clockId) return clock;
  // Written before clocks were kept per side (`SLA#firstResponse`): no longer maintained. It reads
  // as withdrawn, so the API and reports leave it out; the next sync writes the per-side clocks.
  return {
    ...clock,
    clockId: String(item.sk).slice('SLA#'.length),
    pausedFor: 'withdrawn',
    pauses: [],
    cycle: 0,
    priorBreaches: 0,
  };
}

const SWEEP_MARK = { pk: 'SLASWEEP', sk: 'MARK' };

const HOUR = 3_600_000;
/** The instant a due bucket (`DUE#2026-11-23T10`, see `keys.dueBucket`) starts at. */
const bucketStart = (bucket: string) => new Date(`${bucket.slice('DUE#'.length)}:00:00.000Z`);

const encodeCursor = (key: Record<string, unknown> | undefined) =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
const decodeCursor = (cursor: string | null | undefined) =>
  cursor ? (JSON.parse(Buffer.from(cursor, 'base64url').toString()) as Record<string, unknown>) : undefined;

/**
 * The due-index attributes of a clock written at `now`. A clock whose next fire is already past
 * (it could not be brought forward, or a writer fell behind) goes into the bucket of `now`, never
 * an older one: the sweep's watermark only ever passes buckets that were drained, so no clock can
 * land behind it and be forgotten.
 */
function dueAttributes(clock: SlaClockRecord, now: Date): Record<string, string> {
  const fire = nextFireAt(clock);
  if (!fire) return {};
  const key = keys.sla(clock.tenantId, clock.ticketId, clock.clockId);
  return {
    [TABLE_INDEXES.due.pk]: keys.dueBucket(fire > now ? fire : now),
    [TABLE_INDEXES.due.sk]: `${fire.toISOString()}#${key.pk}#${key.sk}`,
  };
}

/**
 * The item a new clock (rev 1, empty outbox) is stored as: for bulk loads (the benchmark), which
 * write many such items at once instead of one conditional put each.
 */
export function slaClockItem(clock: SlaClockRecord, now: Date): Record<string, unknown> {
  return {
    ...keys.sla(clock.tenantId, clock.ticketId, clock.clockId),
    ...clock,
    ...dueAttributes(clock, now),
    outbox: {},
  };
}

/**
 * SLA clocks live in their ticket's partition (`SLA#{clockId}`). A clock that still has a warning or a breach ahead is in
 * the sparse `due` index under the hour bucket of its next fire time, so a sweep reads what is due
 * and nothing else; the sweep's watermark (`SLASWEEP`) says which buckets are drained. The
 * buckets are the port's due windows: one hour each, on the hour (UTC).
 */
export class DynamoSlaStore implements SlaClockStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly now: () => Date;
  constructor(doc: DynamoDBDocumentClient, tableName: string, now: () => Date = () => new Date()) {
    this.doc = doc;
    this.tableName = tableName;
    this.now = now;
  }

  private async queryClocks(tenantId: string, ticketId: string): Promise<SlaClockRecord[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sla)',
      ExpressionAttributeValues: { ':pk': keys.ticketPartition(tenantId, ticketId), ':sla': 'SLA#' },
      ConsistentRead: true,
    });
    return items.map(pick);
  }

  /** The ticket's clocks as the API and reporting see them (withdrawn clocks left out). */
  async listClocks(tenantId: string, ticketId: string): Promise<SlaClockRecord[]> {
    return (await this.queryClocks(tenantId, ticketId)).filter((c) => c.pausedFor !== 'withdrawn');
  }

  async listAllClocks(tenantId: string, ticketId: string): Promise<SlaClockRecord[]> {
    return this.queryClocks(tenantId, ticketId);
  }

  async saveClock(clock: SlaClockRecord, outbox: OutboxEntry[]): Promise<OutboxRef> {
    const key = keys.sla(clock.tenantId, clock.ticketId, clock.clockId);
    const now = this.now();
    const due = dueAttributes(clock, now);
    const indexed = TABLE_INDEXES.due.pk in due;
    try {
      if (clock.rev === 1) {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...key, ...clock, ...due, ...outboxItemAttributes(outbox, now, key) },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return outboxRef(key);
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
      const ob = outboxUpdateParts(outbox, now, key);
      Object.assign(names, ob.names, { '#rev': 'rev' });
      if (!indexed) Object.assign(names, { '#dpk': TABLE_INDEXES.due.pk, '#dsk': TABLE_INDEXES.due.sk });
      Object.assign(values, ob.values);
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: `SET ${[...sets, ...ob.set].join(', ')}${indexed ? '' : ' REMOVE #dpk, #dsk'}`,
          ConditionExpression: '#rev = :prev',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return outboxRef(key);
    } catch (err) {
      if (isConditionFailure(err)) {
        throw new StaleWriteError(`SLA clock ${key.pk}/${key.sk} changed`, { cause: err });
      }
      throw err;
    }
  }

  dueWindowAt(at: Date): DueWindow {
    const start = bucketStart(keys.dueBucket(at));
    return { start, end: new Date(start.getTime() + HOUR) };
  }

  async listDuePage(
    window: DueWindow,
    until: Date,
    limit: number,
    cursor?: string | null,
  ): Promise<{ clocks: SlaClockRecord[]; cursor: string | null }> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: TABLE_INDEXES.due.name,
        KeyConditionExpression: '#pk = :pk AND #sk <= :until',
        ExpressionAttributeNames: { '#pk': TABLE_INDEXES.due.pk, '#sk': TABLE_INDEXES.due.sk },
        ExpressionAttributeValues: {
          ':pk': keys.dueBucket(window.start),
          ':until': `${until.toISOString()}#~`,
        },
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor),
      }),
    );
    return { clocks: (out.Items ?? []).map(pick), cursor: encodeCursor(out.LastEvaluatedKey) };
  }

  /** The mark is stored as the bucket it names, so marks compare as strings in the condition. */
  async getSweepMark(): Promise<Date | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: SWEEP_MARK, ConsistentRead: true }),
    );
    return typeof out.Item?.mark === 'string' ? bucketStart(out.Item.mark) : null;
  }

  async advanceSweepMark(to: Date): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: SWEEP_MARK,
          UpdateExpression: 'SET mark = :m',
          ConditionExpression: 'attribute_not_exists(mark) OR mark < :m',
          ExpressionAttributeValues: { ':m': keys.dueBucket(to) },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err; // a later sweep already moved it further
    }
  }
}
