import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { OutboxEntry, OutboxRef } from '@psa/model/ports';
import {
  type BacklogSnapshot,
  type ReportStore,
  type TicketFact,
  TicketFactSchema,
} from '@psa/model/report-facts';
import { isConditionFailure, outboxItemAttributes, outboxRef } from './dynamo-outbox.ts';
import { queryAll } from './query-all.ts';
import { keys } from './table.ts';

const FIELDS = Object.keys(TicketFactSchema.shape);

/**
 * A month's facts are counted in slices by the first two characters of the ticket id (ids are
 * random UUIDs: 256 even slices). Beside the facts, in the month's partition: `REV` and `REV#{slice}`
 * count the writes to the month and to each slice; `SUM` and `SUM#{slice}` keep counters with the
 * write count they reflect. A write bumps its counts after the fact is stored, and a reader reads
 * a count before the facts it counts, so kept counters are never taken for fresher than they are.
 */
const sliceOf = (ticketId: string) => ticketId.slice(0, 2);
/** Slices recounted at once when a month's counters are stale. */
const RECOUNT_CONCURRENCY = 8;

interface KeptCounters {
  rev: number;
  version: number;
  counters: string;
}

const sumInto = (sum: Record<string, number>, part: Record<string, number>) => {
  for (const [k, v] of Object.entries(part)) sum[k] = (sum[k] ?? 0) + v;
  return sum;
};

/** The marker that a month's relief report was published; it carries the report's event outbox. */
const reliefKey = (tenantId: string, month: string) => ({ pk: keys.tenant(tenantId), sk: `RELIEF#${month}` });

export class DynamoReportStore implements ReportStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly now: () => Date;
  /** Reads of the same month's counters in flight: concurrent callers share one (one recount, not several). */
  private readonly counting = new Map<string, Promise<Record<string, number>>>();
  constructor(doc: DynamoDBDocumentClient, tableName: string, now: () => Date = () => new Date()) {
    this.doc = doc;
    this.tableName = tableName;
    this.now = now;
  }

  async putFact(fact: TicketFact): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: keys.monthFacts(fact.tenantId, fact.month), sk: `F#${fact.ticketId}`, ...fact },
          ConditionExpression: 'attribute_not_exists(pk) OR factVersion <= :v',
          ExpressionAttributeValues: { ':v': fact.factVersion },
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
    // After the fact, the slice's count and then the month's: a reader that sees the month's
    // count reads the slice's after it, so it never keeps a slice's counters without this fact
    // under the new month count. A crash in between is made good by the projection's redelivery.
    const pk = keys.monthFacts(fact.tenantId, fact.month);
    for (const sk of [`REV#${sliceOf(fact.ticketId)}`, 'REV']) await this.bump(pk, sk);
    return true;
  }

  /**
   * Bulk load of facts of tickets not stored yet (a history import, the benchmarks): BatchWrite,
   * 25 items a request (AWS's limit), without `putFact`'s version guard, then one count bump per
   * slice and month touched, so kept counters see the new facts.
   */
  async loadNewFacts(facts: readonly TicketFact[], concurrency = 8): Promise<void> {
    const batches: TicketFact[][] = [];
    for (let i = 0; i < facts.length; i += 25) batches.push(facts.slice(i, i + 25));
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < batches.length) {
          let requests = batches[next++]!.map((f) => ({
            PutRequest: { Item: { pk: keys.monthFacts(f.tenantId, f.month), sk: `F#${f.ticketId}`, ...f } },
          }));
          while (requests.length > 0) {
            const out = await this.doc.send(
              new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
            );
            requests = (out.UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
          }
        }
      }),
    );
    const touched = new Set(
      facts.map((f) => `${keys.monthFacts(f.tenantId, f.month)}\n${sliceOf(f.ticketId)}`),
    );
    for (const pkSlice of touched) {
      const [pk, slice] = pkSlice.split('\n') as [string, string];
      await this.bump(pk, `REV#${slice}`);
    }
    for (const pk of new Set([...touched].map((t) => t.split('\n')[0]!))) await this.bump(pk, 'REV');
  }

  private async bump(pk: string, sk: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk, sk },
        UpdateExpression: 'ADD #rev :one',
        ExpressionAttributeNames: { '#rev': 'rev' },
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
  }

  async monthCounters(
    tenantId: string,
    month: string,
    count: (facts: TicketFact[]) => Record<string, number>,
    version: number,
  ): Promise<Record<string, number>> {
    const key = `${tenantId}\n${month}\n${version}`;
    const running = this.counting.get(key);
    if (running) return structuredClone(await running);
    const read = this.readCounters(tenantId, month, count, version).finally(() => this.counting.delete(key));
    this.counting.set(key, read);
    return structuredClone(await read);
  }

  private async readCounters(
    tenantId: string,
    month: string,
    count: (facts: TicketFact[]) => Record<string, number>,
    version: number,
  ): Promise<Record<string, number>> {
    const pk = keys.monthFacts(tenantId, month);
    const get = async (sk: string) =>
      (
        await this.doc.send(
          new GetCommand({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: true }),
        )
      ).Item;
    const [marker, total] = await Promise.all([get('REV'), get('SUM')]);
    const rev = (marker?.rev as number | undefined) ?? 0;
    if (rev === 0) return {};
    const kept = total as KeptCounters | undefined;
    if (kept && kept.rev === rev && kept.version === version) return JSON.parse(kept.counters);

    const [revs, sums] = await Promise.all(
      ['REV#', 'SUM#'].map((prefix) =>
        queryAll(this.doc, {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
          ExpressionAttributeValues: { ':pk': pk, ':p': prefix },
          ConsistentRead: true,
        }),
      ),
    );
    const keptSlices = new Map(sums!.map((i) => [(i.sk as string).slice(4), i as unknown as KeptCounters]));
    const wanted = revs!.map((i) => ({ slice: (i.sk as string).slice(4), rev: i.rev as number }));
    const parts: Record<string, number>[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: RECOUNT_CONCURRENCY }, async () => {
        while (next < wanted.length) {
          const { slice, rev: sliceRev } = wanted[next++]!;
          const have = keptSlices.get(slice);
          if (have && have.rev === sliceRev && have.version === version) {
            parts.push(JSON.parse(have.counters));
            continue;
          }
          const facts = (await this.listFactsFrom(pk, `F#${slice}`)).filter(
            (f) => sliceOf(f.ticketId) === slice,
          );
          const counters = count(facts);
          parts.push(counters);
          await this.keepCounters(pk, `SUM#${slice}`, {
            rev: sliceRev,
            version,
            counters: JSON.stringify(counters),
          });
        }
      }),
    );
    const counters = parts.reduce(sumInto, {});
    await this.keepCounters(pk, 'SUM', { rev, version, counters: JSON.stringify(counters) });
    return counters;
  }

  /** Keeps counters unless fresher ones are kept already. */
  private async keepCounters(pk: string, sk: string, kept: KeptCounters): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk, sk, ...kept },
          ConditionExpression: 'attribute_not_exists(pk) OR #rev <= :rev',
          ExpressionAttributeNames: { '#rev': 'rev' },
          ExpressionAttributeValues: { ':rev': kept.rev },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  private async listFactsFrom(pk: string, prefix: string): Promise<TicketFact[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :f)',
      ExpressionAttributeValues: { ':pk': pk, ':f': prefix },
    });
    return items.map((item) => Object.fromEntries(FIELDS.map((f) => [f, item[f] ?? null])) as TicketFact);
  }

  async listFacts(tenantId: string, month: string): Promise<TicketFact[]> {
    return this.listFactsFrom(keys.monthFacts(tenantId, month), 'F#');
  }

  async recordRelief(tenantId: string, month: string, outbox: OutboxEntry[]): Promise<OutboxRef | null> {
    const key = reliefKey(tenantId, month);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...key,
            publishedAt: this.now().toISOString(),
            ...outboxItemAttributes(outbox, this.now(), key),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return outboxRef(key);
    } catch (err) {
      if (isConditionFailure(err)) return null;
      throw err;
    }
  }

  async hasRelief(tenantId: string, month: string): Promise<boolean> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: reliefKey(tenantId, month),
        ProjectionExpression: 'pk',
      }),
    );
    return Boolean(out.Item);
  }

  async saveBacklogSnapshot(tenantId: string, month: string, snapshot: BacklogSnapshot): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: keys.tenant(tenantId), sk: `BACKLOG#${month}`, snapshot },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  async getBacklogSnapshot(tenantId: string, month: string): Promise<BacklogSnapshot | null> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: keys.tenant(tenantId), sk: `BACKLOG#${month}` },
      }),
    );
    return (out.Item?.snapshot as BacklogSnapshot | undefined) ?? null;
  }
}
