import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { MailStore, QuarantinedMail } from '@psa/model/ports';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { isConditionFailure } from './dynamo-outbox.ts';
import { keys } from './table.ts';

/**
 * How long a received mail's dedupe mark is kept: the window in which the same mail arrives again
 * and must change nothing. A sending server that saw no answer to its DATA retries for up to four
 * or five days (RFC 5321 section 4.5.4.1); SES retries an asynchronous invocation for up to six
 * hours. A week covers both; the ticket's id is derived from the mail too, so even later the mail
 * cannot open a second ticket, only be stored again.
 */
export const MAIL_SEEN_TTL_SECONDS = 7 * 24 * 60 * 60;
/** An hourly auto-reply count matters for its hour; kept one more for a clock at the boundary. */
const AUTO_REPLY_COUNT_TTL_SECONDS = 2 * 60 * 60;

/** The small records email intake keeps: addresses, dedupe marks, quarantine, alerts, rate limits. */
export class DynamoMailStore implements MailStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly now: () => Date;
  constructor(doc: DynamoDBDocumentClient, tableName: string, now: () => Date = () => new Date()) {
    this.doc = doc;
    this.tableName = tableName;
    this.now = now;
  }

  private nowSeconds(): number {
    return Math.floor(this.now().getTime() / 1000);
  }

  async tenantForAddress(address: string): Promise<string | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.supportAddress(address) }),
    );
    return (out.Item?.tenantId as string | undefined) ?? null;
  }

  async registerAddress(address: string, tenantId: string): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.tableName, Item: { ...keys.supportAddress(address), tenantId } }),
    );
  }

  async markSeen(tenantId: string, hash: string) {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.inboundMail(tenantId, hash),
            seenAt: this.now().toISOString(),
            expiresAt: this.nowSeconds() + MAIL_SEEN_TTL_SECONDS,
          },
          // An expired mark counts as gone, though TTL deletes it only some time after.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': this.nowSeconds() },
        }),
      );
      return { first: true as const };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      const out = await this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: keys.inboundMail(tenantId, hash),
          ConsistentRead: true,
        }),
      );
      return { first: false as const, outcome: (out.Item?.outcome as string | undefined) ?? null };
    }
  }

  async recordOutcome(tenantId: string, hash: string, outcome: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.inboundMail(tenantId, hash),
        UpdateExpression: 'SET outcome = :o',
        ExpressionAttributeValues: { ':o': outcome },
      }),
    );
  }

  async quarantine(mail: QuarantinedMail): Promise<void> {
    // The same mail quarantined again (a re-process that still fails) updates its one entry.
    const existing = await this.getQuarantined(mail.tenantId, mail.id);
    if (existing) {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.quarantine(mail.tenantId), sk: `${existing.receivedAt}#${existing.id}` },
          UpdateExpression: 'SET #s = :s, reason = :r',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':s': 'quarantined', ':r': mail.reason },
        }),
      );
      return;
    }
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: keys.quarantine(mail.tenantId), sk: `${mail.receivedAt}#${mail.id}`, ...mail },
      }),
    );
  }

  async listQuarantine(tenantId: string, limit: number, cursor?: string) {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.quarantine(tenantId) },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor, {
          attributes: ['pk', 'sk'],
          partition: { attribute: 'pk', value: keys.quarantine(tenantId) },
        }),
      }),
    );
    return { items: (out.Items ?? []).map(toQuarantined), nextCursor: encodeCursor(out.LastEvaluatedKey) };
  }

  async getQuarantined(tenantId: string, id: string): Promise<QuarantinedMail | null> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: 'id = :id',
        ExpressionAttributeValues: { ':pk': keys.quarantine(tenantId), ':id': id },
      }),
    );
    const item = out.Items?.[0];
    return item ? toQuarantined(item) : null;
  }

  async markReprocessed(tenantId: string, id: string): Promise<void> {
    const mail = await this.getQuarantined(tenantId, id);
    if (!mail) return;
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: keys.quarantine(tenantId), sk: `${mail.receivedAt}#${mail.id}` },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': 'reprocessed' },
      }),
    );
  }

  async getAlert(tenantId: string, hash: string) {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.alert(tenantId, hash), ConsistentRead: true }),
    );
    return out.Item ? { ticketId: String(out.Item.ticketId), lastAt: String(out.Item.lastAt) } : null;
  }

  async putAlert(tenantId: string, hash: string, ticketId: string, lastAt: string): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.alert(tenantId, hash), ticketId, lastAt },
      }),
    );
  }

  async takeAutoReply(tenantId: string, sender: string, hour: string, limit: number): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.autoReplies(tenantId, sender, hour),
          UpdateExpression: 'ADD #n :one SET expiresAt = :expires',
          ConditionExpression: 'attribute_not_exists(#n) OR #n < :limit',
          ExpressionAttributeNames: { '#n': 'n' },
          ExpressionAttributeValues: {
            ':one': 1,
            ':limit': limit,
            ':expires': this.nowSeconds() + AUTO_REPLY_COUNT_TTL_SECONDS,
          },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }
}

function toQuarantined(item: Record<string, unknown>): QuarantinedMail {
  return {
    id: String(item.id),
    tenantId: String(item.tenantId),
    receivedAt: String(item.receivedAt),
    reason: String(item.reason),
    rawKey: String(item.rawKey),
    from: (item.from as string | null) ?? null,
    subject: (item.subject as string | null) ?? null,
    status: item.status === 'reprocessed' ? 'reprocessed' : 'quarantined',
  };
}
