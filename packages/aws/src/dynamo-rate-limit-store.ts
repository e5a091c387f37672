import { createHash } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { RateDecision, RateLimit, RateLimiter } from '@psa/model/rate-limit';
import { isConditionFailure } from './dynamo-outbox.ts';
import { keys } from './table.ts';

/** Writers that raced for one bucket retry this often before the take counts as refused. */
const ATTEMPTS = 5;

/**
 * Token buckets in the table, shared by every Lambda instance: read the bucket, refill it for the
 * time since it was last written, and write it back one token lighter on the condition that no
 * one wrote it meanwhile (a version number), retrying a lost race. A bucket expires (TTL
 * `expiresAt`) once it would be full again, when it no longer says anything.
 */
export class DynamoRateLimitStore implements RateLimiter {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly now: () => Date;

  constructor(doc: DynamoDBDocumentClient, tableName: string, now: () => Date = () => new Date()) {
    this.doc = doc;
    this.tableName = tableName;
    this.now = now;
  }

  async take(key: string, limit: RateLimit): Promise<RateDecision> {
    const Key = keys.rateLimit(createHash('sha256').update(key).digest('hex'));
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const out = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key, ConsistentRead: true }),
      );
      const nowMs = this.now().getTime();
      const item = out.Item as { tokens: number; at: number; v: number } | undefined;
      const elapsed = item ? Math.max(0, nowMs - item.at) / 1000 : 0;
      const tokens = item
        ? Math.min(limit.capacity, item.tokens + elapsed * limit.refillPerSecond)
        : limit.capacity;
      if (tokens < 1) return { allowed: false, retryAfterSeconds: (1 - tokens) / limit.refillPerSecond };
      const left = tokens - 1;
      const fullAgainSeconds = (limit.capacity - left) / limit.refillPerSecond;
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...Key,
              tokens: left,
              at: nowMs,
              v: (item?.v ?? 0) + 1,
              expiresAt: Math.ceil(nowMs / 1000 + fullAgainSeconds) + 60,
            },
            ConditionExpression: item ? '#v = :v' : 'attribute_not_exists(pk)',
            ...(item
              ? { ExpressionAttributeNames: { '#v': 'v' }, ExpressionAttributeValues: { ':v': item.v } }
              : {}),
          }),
        );
        return { allowed: true };
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    }
    // Five writers in a row took from this bucket first: it is busy enough to ask for patience.
    return { allowed: false, retryAfterSeconds: 1 };
  }
}
