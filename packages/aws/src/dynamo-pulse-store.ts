import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { OutboxEntry, OutboxRef } from '@psa/model/ports';
import type { PulseAnswer, PulseGrant, PulseStore } from '@psa/model/pulse';
import { isConditionFailure, putMarkerOnce } from './dynamo-outbox.ts';
import { queryAll } from './query-all.ts';
import { keys } from './table.ts';

const ANSWER_FIELDS: (keyof PulseAnswer)[] = ['tenantId', 'month', 'email', 'score', 'comment', 'answeredAt'];
const GRANT_FIELDS: (keyof PulseGrant)[] = ['tokenHash', 'tenantId', 'month', 'email', 'expiresAt'];
const pick = <T>(item: Record<string, unknown>, fields: readonly (keyof T)[]) =>
  Object.fromEntries(fields.map((f) => [f, item[f as string] ?? null])) as T;

const answerKey = (tenantId: string, month: string, email: string) => ({
  pk: keys.pulseAnswers(tenantId, month),
  sk: `A#${email.toLowerCase()}`,
});
const invitationsKey = (tenantId: string, month: string) => ({
  pk: keys.tenant(tenantId),
  sk: `PULSE#${month}`,
});

/**
 * Pulse answers, one item per person and month (a conditional put keeps the first), invitation
 * links by the hash of their token, and the month's invitation marker carrying its mails.
 */
export class DynamoPulseStore implements PulseStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly now: () => Date;
  constructor(doc: DynamoDBDocumentClient, tableName: string, now: () => Date = () => new Date()) {
    this.doc = doc;
    this.tableName = tableName;
    this.now = now;
  }

  async answer(answer: PulseAnswer): Promise<{ stored: PulseAnswer; created: boolean }> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...answerKey(answer.tenantId, answer.month, answer.email), ...answer },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { stored: answer, created: true };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      const stored = await this.get(answer.tenantId, answer.month, answer.email);
      if (!stored) throw err;
      return { stored, created: false };
    }
  }

  async get(tenantId: string, month: string, email: string): Promise<PulseAnswer | null> {
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: answerKey(tenantId, month, email),
        ConsistentRead: true,
      }),
    );
    return Item ? pick<PulseAnswer>(Item, ANSWER_FIELDS) : null;
  }

  async list(tenantId: string, month: string): Promise<PulseAnswer[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :a)',
      ExpressionAttributeValues: { ':pk': keys.pulseAnswers(tenantId, month), ':a': 'A#' },
    });
    return items.map((item) => pick<PulseAnswer>(item, ANSWER_FIELDS));
  }

  async issueGrant(grant: PulseGrant): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.pulseGrant(grant.tokenHash), ...grant },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async getGrant(tokenHash: string): Promise<PulseGrant | null> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.pulseGrant(tokenHash), ConsistentRead: true }),
    );
    return Item ? pick<PulseGrant>(Item, GRANT_FIELDS) : null;
  }

  async hasInvited(tenantId: string, month: string): Promise<boolean> {
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: invitationsKey(tenantId, month),
        ProjectionExpression: 'pk',
        ConsistentRead: true,
      }),
    );
    return Boolean(Item);
  }

  recordInvitations(tenantId: string, month: string, outbox: OutboxEntry[]): Promise<OutboxRef | null> {
    const now = this.now();
    return putMarkerOnce(this.doc, this.tableName, invitationsKey(tenantId, month), outbox, now, {
      invitedAt: now.toISOString(),
    });
  }
}
