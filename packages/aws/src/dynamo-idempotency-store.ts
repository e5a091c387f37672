import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { IdempotencyStore } from '@psa/model/ports';
import { isConditionFailure } from './dynamo-outbox.ts';
import { keys } from './table.ts';

/**
 * How long an Idempotency-Key is remembered: the window in which a client retries a POST of a
 * ticket (after a timeout, a dropped connection, a 5xx) and must get the same ticket back, not a
 * second one. A day covers any client's retry policy (SDKs retry for seconds to minutes; a queue
 * that replays the request, for hours); a key used again after it is a new request.
 */
export const IDEMPOTENCY_KEY_TTL_SECONDS = 24 * 60 * 60;

export class DynamoIdempotencyStore implements IdempotencyStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly now: () => Date;
  constructor(doc: DynamoDBDocumentClient, tableName: string, now: () => Date = () => new Date()) {
    this.doc = doc;
    this.tableName = tableName;
    this.now = now;
  }

  async claim(tenantId: string, key: string, ticketId: string, fingerprint: string) {
    const Key = keys.idempotency(tenantId, key);
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...Key, ticketId, fingerprint, expiresAt: nowSeconds + IDEMPOTENCY_KEY_TTL_SECONDS },
          // TTL deletes an expired record some time after it expires; until then it counts as gone.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': nowSeconds },
        }),
      );
      return { claimed: true as const };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      const out = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key, ConsistentRead: true }),
      );
      return {
        claimed: false as const,
        ticketId: String(out.Item?.ticketId),
        fingerprint: String(out.Item?.fingerprint),
      };
    }
  }
}
