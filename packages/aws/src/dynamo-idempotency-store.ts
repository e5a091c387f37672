import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { IdempotencyStore } from '@psa/model/ports';
import { isConditionFailure } from './dynamo-outbox.ts';
import { keys } from './table.ts';

export class DynamoIdempotencyStore implements IdempotencyStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  constructor(doc: DynamoDBDocumentClient, tableName: string) {
    this.doc = doc;
    this.tableName = tableName;
  }

  async claim(tenantId: string, key: string, ticketId: string, fingerprint: string) {
    const Key = keys.idempotency(tenantId, key);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...Key, ticketId, fingerprint },
          ConditionExpression: 'attribute_not_exists(pk)',
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
