import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type DivisionOfWork, DivisionOfWorkSchema } from '@psa/model/division-of-work';
import { ConflictError } from '@psa/model/errors';
import type { DivisionOfWorkChange, DivisionOfWorkVersionInfo, TenantStore } from '@psa/model/ports';
import { isConditionFailure } from './dynamo-outbox.ts';
import { queryAll } from './query-all.ts';
import { keys } from './table.ts';

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
  /** Tenants seen to exist; a tenant is never removed, so a yes holds for the container's life. */
  private readonly known = new Set<string>();
  constructor(doc: DynamoDBDocumentClient, tableName: string) {
    this.doc = doc;
    this.tableName = tableName;
  }

  async getDivisionOfWork(tenantId: string): Promise<DivisionOfWork | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: keys.tenant(tenantId), sk: 'DOW#CURRENT' } }),
    );
    if (!out.Item) return null;
    this.known.add(tenantId);
    // Re-parsing (and recompiling its calendars) on every read would dominate a request.
    const cached = this.parsed.get(tenantId);
    if (cached && cached.version === out.Item.version) return cached;
    const doc = DivisionOfWorkSchema.parse(out.Item.document);
    this.parsed.set(tenantId, doc);
    return doc;
  }

  async exists(tenantId: string): Promise<boolean> {
    if (this.known.has(tenantId)) return true;
    return (await this.getDivisionOfWork(tenantId)) !== null;
  }

  async putDivisionOfWork(dow: DivisionOfWork, change?: DivisionOfWorkChange): Promise<void> {
    // A support address decides which tenant mail belongs to: it must never move to another tenant.
    for (const address of dow.supportAddresses) {
      const owner = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: keys.supportAddress(address) }),
      );
      if (owner.Item && owner.Item.tenantId !== dow.tenantId) {
        throw new ConflictError(`support address ${address} is registered to another tenant`);
      }
    }
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          // History fields sit beside the document so listing versions never reads documents.
          Item: {
            pk: keys.tenant(dow.tenantId),
            sk: versionSk(dow.version),
            version: dow.version,
            effectiveFrom: dow.effectiveFrom,
            ...(change ?? {}),
            document: dow,
          },
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
      await this.doc
        .send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...keys.supportAddress(address), tenantId: dow.tenantId },
            ConditionExpression: 'attribute_not_exists(pk) OR tenantId = :t',
            ExpressionAttributeValues: { ':t': dow.tenantId },
          }),
        )
        .catch((err) => {
          // Only a race with another tenant claiming it in the same instant gets here.
          if (isConditionFailure(err))
            throw new ConflictError(`support address ${address} is registered to another tenant`, {
              cause: err,
            });
          throw err;
        });
    }
  }

  async listVersions(tenantId: string): Promise<DivisionOfWorkVersionInfo[]> {
    const out: DivisionOfWorkVersionInfo[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
          ExpressionAttributeValues: { ':pk': keys.tenant(tenantId), ':v': 'DOW#V#' },
          // Versions written before history fields existed carry effectiveFrom only in the document.
          ProjectionExpression: 'sk, effectiveFrom, changedBy, changedAt, summary, note, #doc.effectiveFrom',
          ExpressionAttributeNames: { '#doc': 'document' },
          ScanIndexForward: false,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) out.push(versionInfo(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async getVersion(
    tenantId: string,
    version: number,
  ): Promise<{ info: DivisionOfWorkVersionInfo; document: DivisionOfWork } | null> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: keys.tenant(tenantId), sk: versionSk(version) },
      }),
    );
    if (!out.Item) return null;
    return { info: versionInfo(out.Item), document: DivisionOfWorkSchema.parse(out.Item.document) };
  }

  async listTenants(): Promise<string[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'TENANTS' },
    });
    return items.map((item) => item.sk as string);
  }
}

function versionInfo(item: Record<string, unknown>): DivisionOfWorkVersionInfo {
  const document = item.document as { effectiveFrom?: string } | undefined;
  return {
    version: Number((item.sk as string).slice('DOW#V#'.length)),
    effectiveFrom: (item.effectiveFrom as string | undefined) ?? document?.effectiveFrom ?? '',
    changedBy: (item.changedBy as string | undefined) ?? null,
    changedAt: (item.changedAt as string | undefined) ?? null,
    summary: (item.summary as string[] | undefined) ?? [],
    ...(typeof item.note === 'string' ? { note: item.note } : {}),
  };
}
