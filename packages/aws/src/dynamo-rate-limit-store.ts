import { createHash } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RateDecision, RateLimit, RateLimiter } from '@psa/model/rate-limit';
import { isConditionFailure } from './dynamo-outbox.ts';
import { keys } from './table.ts';

/**
 * Reads of a bucket that another writer restarted or emptied meanwhile, before a take gives up.
 * Every lost race is another take's success, so this only bounds a take's wait: it is over the
 * concurrency of one container (takes that all find a full bucket race to restart it).
 */
const ATTEMPTS = 16;

/** Buckets whose start a container remembers (the most recently used). */
const KNOWN_STARTS = 1_000;

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
  /** Each bucket this container took from, as its last read or write left it, by bucket key. */
  private readonly starts = new Map<string, Bucket>();

  constructor(doc: DynamoDBDocumentClient, tableName: string, now: () => Date = () => new Date()) {
    this.doc = doc;
    this.tableName = tableName;
    this.now = now;
  }

  async take(key: string, limit: RateLimit): Promise<RateDecision> {
    const Key = keys.rateLimit(createHash('sha256').update(key).digest('hex'));
    if (await this.takeFromKnownStart(key, Key, limit)) return { allowed: true };
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const out = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key, ConsistentRead: true }),
      );
      const bucket = out.Item as Bucket | undefined;
      if (bucket) this.remember(key, { start: bucket.start, taken: bucket.taken });
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
          this.remember(key, { start: nowMs, taken: 1 });
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
        this.remember(key, { start: bucket!.start, taken: bucket!.taken + 1 });
        return { allowed: true };
      } catch (err) {
        // Emptied or restarted meanwhile: read it again and decide on what it holds now.
        if (!isConditionFailure(err)) throw err;
      }
    }
    return { allowed: false, retryAfterSeconds: 1 };
  }

  /**
   * The usual take, in one write. A container that knows when the bucket was last full (`start`)
   * and how many tokens were taken by its last write knows the level but for other containers'
   * takes since, so it writes on a condition instead of reading: `ADD taken 1` while the level
   * stays within 1..capacity, or, when the bucket looks full again, the restart (`start` = now),
   * while it still is. Only a refused condition (empty, restarted or drained elsewhere) reads the
   * bucket and decides as a first take does.
   */
  private async takeFromKnownStart(key: string, Key: Record<string, string>, limit: RateLimit) {
    const known = this.starts.get(key);
    if (known === undefined) return false;
    const nowMs = this.now().getTime();
    const grown = limit.capacity + ((nowMs - known.start) / 1000) * limit.refillPerSecond;
    const expiresAt = Math.ceil(nowMs / 1000 + limit.capacity / limit.refillPerSecond) + 60;
    const restart = grown - known.taken > limit.capacity;
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key,
          ...(restart
            ? {
                UpdateExpression: 'SET #start = :now, taken = :one, expiresAt = :expires',
                // Still full: fewer than `grown - capacity` taken since `start`.
                ConditionExpression: '#start = :start AND taken < :least',
                ExpressionAttributeValues: {
                  ':now': nowMs,
                  ':one': 1,
                  ':expires': expiresAt,
                  ':start': known.start,
                  ':least': grown - limit.capacity,
                },
              }
            : {
                UpdateExpression: 'ADD taken :one SET expiresAt = :expires',
                // level = grown - taken at most capacity (else the bucket restarts) and at least 1.
                ConditionExpression: '#start = :start AND taken BETWEEN :least AND :most',
                ExpressionAttributeValues: {
                  ':one': 1,
                  ':expires': expiresAt,
                  ':start': known.start,
                  ':least': grown - limit.capacity,
                  ':most': grown - 1,
                },
                ReturnValues: 'UPDATED_NEW' as const,
              }),
          ExpressionAttributeNames: { '#start': 'start' },
        }),
      );
      this.remember(
        key,
        restart ? { start: nowMs, taken: 1 } : { start: known.start, taken: Number(out.Attributes?.taken) },
      );
      return true;
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      this.starts.delete(key);
      return false;
    }
  }

  /** Remembers a bucket, keeping the most recently used {@link KNOWN_STARTS} buckets. */
  private remember(key: string, bucket: Bucket): void {
    this.starts.delete(key);
    this.starts.set(key, bucket);
    if (this.starts.size > KNOWN_STARTS) this.starts.delete(this.starts.keys().next().value!);
  }
}
