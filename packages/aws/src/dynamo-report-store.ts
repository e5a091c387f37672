import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { OutboxEntry, OutboxRef } from '@psa/model/ports';
import type { BacklogSnapshot, ReportStore, TicketFact } from '@psa/model/report-facts';
import { isConditionFailure, putMarkerOnce } from './dynamo-outbox.ts';
import { MonthCounterStore } from './month-counter-store.ts';
import { keys } from './table.ts';

/** The marker that a month's relief report was published; it carries the report's event outbox. */
const reliefKey = (tenantId: string, month: string) => ({ pk: keys.tenant(tenantId), sk: `RELIEF#${month}` });

export class DynamoReportStore implements ReportStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly now: () => Date;
  private readonly counters: MonthCounterStore;
  constructor(doc: DynamoDBDocumentClient, tableName: string, now: () => Date = () => new Date()) {
    this.doc = doc;
    this.tableName = tableName;
    this.now = now;
    this.counters = new MonthCounterStore(doc, tableName);
  }

  async putFact(fact: TicketFact): Promise<boolean> {
    return this.counters.put(fact);
  }

  async listFacts(tenantId: string, month: string): Promise<TicketFact[]> {
    return this.counters.list(tenantId, month);
  }

  async monthCounters(tenantId: string, month: string): Promise<Record<string, number>> {
    return this.counters.counters(tenantId, month);
  }

  /**
   * Bulk load of facts of tickets not stored yet (a history import, the benchmarks), without
   * `putFact`'s version guard; their slices are counted again at the next read.
   */
  async loadNewFacts(facts: readonly TicketFact[]): Promise<void> {
    await this.counters.loadNew(facts);
  }

  recordRelief(tenantId: string, month: string, outbox: OutboxEntry[]): Promise<OutboxRef | null> {
    return this.recordOnce(reliefKey(tenantId, month), outbox);
  }

  /** The digest marker (`DIGEST#{month}`), beside the relief marker, carrying the digest's mails. */
  recordDigest(tenantId: string, month: string, outbox: OutboxEntry[]): Promise<OutboxRef | null> {
    return this.recordOnce({ pk: keys.tenant(tenantId), sk: `DIGEST#${month}` }, outbox);
  }

  private recordOnce(key: { pk: string; sk: string }, outbox: OutboxEntry[]): Promise<OutboxRef | null> {
    const now = this.now();
    return putMarkerOnce(this.doc, this.tableName, key, outbox, now, { publishedAt: now.toISOString() });
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
