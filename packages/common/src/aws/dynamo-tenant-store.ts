import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type DivisionOfWork, DivisionOfWorkSchema } from '../division-of-work.ts';
import { ConflictError } from '../errors.ts';
import type { TenantStore } from '../ports.ts';
import { keys } from '../table.ts';
import { isConditionFailure } from './dynamo-outbox.ts';

const versionSk = (v: number) => `DOW#V#${String(v).padStart(6, '0')}`;

/**
 * Division-of-work documents: every version is kept (`DOW#V#000001`...) and `DOW#CURRENT` points
 * at the newest. Writing a version is conditional, so two editors cannot both publish v4.
 */
export class DynamoTenantStore implements TenantStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  /** Parsed documents by tenant; a version is immutable, so a cached version never goes stale. */
  private readonly parsed = new Map<string, DivisionOfWork>();
  constructor(doc: DynamoDBDocumentClient, tableName: string) {
    this.doc = doc;
    this.tableName = tableName;
  }

  async getDivisionOfWork(tenantId: string): Promise<DivisionOfWork | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: keys.tenant(tenantId), sk: 'DOW#CURRENT' } }),
    );
    if (!out.Item) return null;
    // Re-parsing (and recompiling its calendars) on every read would dominate a request.
    const cached = this.parsed.get(tenantId);
    if (cached && cached.version === out.Item.version) return cached;
    const doc = DivisionOfWorkSchema.parse(out.Item.document);
    this.parsed.set(tenantId, doc);
    return doc;
  }

  async putDivisionOfWork(dow: DivisionOfWork): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: keys.tenant(dow.tenantId), sk: versionSk(dow.version), document: dow },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      if (isConditionFailure(err))
        throw new ConflictError(`division of work v${dow.version} exists`, { cause: err });
      throw err;
    }
    await this.doc
      .send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: keys.tenant(dow.tenantId), sk: 'DOW#CURRENT', version: dow.version, document: dow },
          ConditionExpression: 'attribute_not_exists(pk) OR version < :v',
          ExpressionAttributeValues: { ':v': dow.version },
        }),
      )
      .catch((err) => {
        if (!isConditionFailure(err)) throw err;
      });
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.tenantRegistry(dow.tenantId), name: dow.name },
      }),
    );
    // Mail to a support address finds its tenant through these (never by guessing).
    for (const address of dow.supportAddresses) {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.supportAddress(address), tenantId: dow.tenantId },
        }),
      );
    }
  }

  async listTenants(): Promise<string[]> {
    const out: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'TENANTS' },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) out.push(item.sk as string);
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }
}
