import { createHash } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RateDecision, RateLimit, RateLimiter } from '@psa/model/rate-limit';
import { isConditionFailure } from './dynamo-outbox.ts';
import { keys } from './table.ts';

/** Reads of a bucket that another writer restarted meanwhile, before a take gives up. */
const ATTEMPTS = 5;

type Bucket = { start: number; taken: number };

/**
 * Token buckets in the table, shared by every Lambda instance, without a lost race under load.
 *
 * A bucket is kept as when it was last full (`start`, ms) and how many tokens were taken since
 * (`taken`); its level at `now` is `capacity + (now - start) x rate - taken`. A take is one atomic
 * `ADD taken 1` on the condition that the level stays at or above zero, so any number of
 * concurrent takes on one bucket are serialised by DynamoDB: none is lost, none is refused for
 * contention, exactly the tokens there are pass. Only when a bucket is new, or has been idle long
 * enough to be full again (its level would exceed `capacity`), is it restarted (`start` = now),
 * conditionally, which is where writers can race, rarely. A bucket expires (TTL `expiresAt`) once
 * it would be full again even from empty, when it no longer says anything.
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
      const bucket = out.Item as Bucket | undefined;
      const nowMs = this.now().getTime();
      const expiresAt = Math.ceil(nowMs / 1000 + limit.capacity / limit.refillPerSecond) + 60;
      const grown = bucket ? limit.capacity + ((nowMs - bucket.start) / 1000) * limit.refillPerSecond : 0;
      const level = bucket ? grown - bucket.taken : Number.POSITIVE_INFINITY;
      try {
        if (level > limit.capacity) {
          // New, or idle until full: count again from a full bucket, taking this token.
          await this.doc.send(
            new PutCommand({
              TableName: this.tableName,
              Item: { ...Key, start: nowMs, taken: 1, expiresAt },
              ...(bucket
                ? {
                    ConditionExpression: '#start = :start AND taken = :taken',
                    ExpressionAttributeNames: { '#start': 'start' },
                    ExpressionAttributeValues: { ':start': bucket.start, ':taken': bucket.taken },
                  }
                : { ConditionExpression: 'attribute_not_exists(pk)' }),
            }),
          );
          return { allowed: true };
        }
        if (level < 1) return { allowed: false, retryAfterSeconds: (1 - level) / limit.refillPerSecond };
        await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key,
            UpdateExpression: 'ADD taken :one SET expiresAt = :expires',
            ConditionExpression: '#start = :start AND taken <= :most',
            ExpressionAttributeNames: { '#start': 'start' },
            ExpressionAttributeValues: {
              ':one': 1,
              ':expires': expiresAt,
              ':start': bucket!.start,
              ':most': grown - 1,
            },
          }),
        );
        return { allowed: true };
      } catch (err) {
        // Emptied or restarted meanwhile: read it again and decide on what it holds now.
        if (!isConditionFailure(err)) throw err;
      }
    }
    return { allowed: false, retryAfterSeconds: 1 };
  }
}
