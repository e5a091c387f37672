import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RatingGrant, RatingGrantStore } from '@psa/model/satisfaction';
import { isConditionFailure } from './dynamo-outbox.ts';
import { keys } from './table.ts';

const FIELDS: (keyof RatingGrant)[] = [
  'tokenHash',
  'tenantId',
  'ticketId',
  'owner',
  'workload',
  'resolvedAt',
  'expiresAt',
  'usedAt',
  'commentedAt',
];

/**
 * Rating grants by the hash of their token (`RATE#{sha256}`): one item each, its single use taken
 * by a conditional update, so two clicks at once rate once.
 */
export class DynamoRatingStore implements RatingGrantStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  constructor(doc: DynamoDBDocumentClient, tableName: string) {
    this.doc = doc;
    this.tableName = tableName;
  }

  async issue(grant: RatingGrant): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        // Unused and uncommented are absent attributes, so the conditions below test for existence.
        Item: {
          ...keys.ratingGrant(grant.tokenHash),
          ...Object.fromEntries(Object.entries(grant).filter(([, v]) => v !== null)),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(tokenHash: string): Promise<RatingGrant | null> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.ratingGrant(tokenHash), ConsistentRead: true }),
    );
    return Item
      ? (Object.fromEntries(FIELDS.map((f) => [f, Item[f] ?? null])) as unknown as RatingGrant)
      : null;
  }

  use(tokenHash: string, at: string): Promise<boolean> {
    return this.take(tokenHash, 'usedAt', at, 'attribute_exists(pk) AND attribute_not_exists(usedAt)');
  }

  comment(tokenHash: string, at: string): Promise<boolean> {
    return this.take(
      tokenHash,
      'commentedAt',
      at,
      'attribute_exists(pk) AND attribute_exists(usedAt) AND attribute_not_exists(commentedAt)',
    );
  }

  private async take(tokenHash: string, field: string, at: string, condition: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.ratingGrant(tokenHash),
          UpdateExpression: 'SET #f = :at',
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#f': field },
          ExpressionAttributeValues: { ':at': at },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }
}
