import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ModelRecord, ModelStore } from '@psa/model/ports';
import { queryAll } from './query-all.ts';
import { keys } from './table.ts';

/** Under DynamoDB's 400 KB item limit with room for the keys. */
const CHUNK_CHARS = 300_000;
const versionSk = (v: number) => `MODEL#V#${String(v).padStart(6, '0')}`;

/**
 * A tenant's learned classifier: the serialised model in chunks (`MODEL#V#000003#C#000`...) and a
 * `MODEL#CURRENT` pointer written last, so a reader never sees half a model.
 */
export class DynamoModelStore implements ModelStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  constructor(doc: DynamoDBDocumentClient, tableName: string) {
    this.doc = doc;
    this.tableName = tableName;
  }

  async current(tenantId: string): Promise<Omit<ModelRecord, 'model'> | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: keys.tenant(tenantId), sk: 'MODEL#CURRENT' } }),
    );
    return out.Item ? (out.Item.meta as Omit<ModelRecord, 'model'>) : null;
  }

  async load(tenantId: string, version: number): Promise<string | null> {
    const chunks = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.tenant(tenantId), ':prefix': `${versionSk(version)}#C#` },
    });
    return chunks.length ? chunks.map((c) => c.data as string).join('') : null;
  }

  async save(record: ModelRecord): Promise<void> {
    const { model, ...meta } = record;
    const count = Math.ceil(model.length / CHUNK_CHARS);
    for (let i = 0; i < count; i++) {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: keys.tenant(record.tenantId),
            sk: `${versionSk(record.version)}#C#${String(i).padStart(3, '0')}`,
            data: model.slice(i * CHUNK_CHARS, (i + 1) * CHUNK_CHARS),
          },
        }),
      );
    }
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: keys.tenant(record.tenantId), sk: 'MODEL#CURRENT', meta },
      }),
    );
  }
}
