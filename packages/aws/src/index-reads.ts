import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { RETIRED_INDEXES, TABLE_INDEXES } from './table.ts';

/** The indexes that replaced others: each has a retired predecessor a deployed stage may still be on. */
export type RenamedIndex = keyof typeof RETIRED_INDEXES;

/** How long a container keeps reading a retired index after it found its successor unreadable. */
const RETIRED_FOR_MS = 60_000;

/**
 * DynamoDB's answer to a query of an index the table does not have ("The table does not have
 * the specified index: …") or one still filling after it was added ("Cannot read from
 * backfilling global secondary index: …").
 */
function unreadableIndex(err: unknown, name: string): boolean {
  const e = err as { name?: string; message?: string };
  const message = e.message ?? '';
  // A query names one index: a backfilling one is that one, whether or not the message names it.
  return (
    e.name === 'ValidationException' &&
    (message.includes(name) || /backfilling global secondary index/i.test(message))
  );
}

/** BatchGetItem's limit of keys a request (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html). */
const BATCH_GET_LIMIT = 100;

/**
 * Reads of the indexes that carry little besides keys (./table.ts `TABLE_INDEXES`: the ticket
 * lists, the outbox), followed to the items they name with BatchGetItems. While a deployed stage
 * upgrades (README, "Operating in AWS") such an index may not exist yet or still be filling: its
 * retired predecessor, with the same keys, answers instead.
 */
export class IndexReads {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly retiredUntil = new Map<RenamedIndex, number>();

  constructor(doc: DynamoDBDocumentClient, tableName: string) {
    this.doc = doc;
    this.tableName = tableName;
  }

  /** One page of a query of `index`. */
  async query(
    index: RenamedIndex,
    input: Omit<QueryCommandInput, 'TableName' | 'IndexName'>,
  ): Promise<QueryCommandOutput> {
    const send = (name: string) =>
      this.doc.send(new QueryCommand({ ...input, TableName: this.tableName, IndexName: name }));
    const current = TABLE_INDEXES[index].name;
    if ((this.retiredUntil.get(index) ?? 0) > Date.now()) return send(RETIRED_INDEXES[index].name);
    try {
      return await send(current);
    } catch (err) {
      if (!unreadableIndex(err, current)) throw err;
      this.retiredUntil.set(index, Date.now() + RETIRED_FOR_MS);
      return send(RETIRED_INDEXES[index].name);
    }
  }

  /** Every entry a query of `index` matches, following DynamoDB's pagination. */
  async queryAll(
    index: RenamedIndex,
    input: Omit<QueryCommandInput, 'TableName' | 'IndexName' | 'ExclusiveStartKey'>,
  ): Promise<Record<string, unknown>[]> {
    const entries: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.query(index, { ...input, ExclusiveStartKey: start });
      entries.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return entries;
  }

  /**
   * The items the index entries name, in their order: gets issued together, which the document
   * client (./dynamo-client.ts) sends as BatchGetItems. An entry whose item is gone is left out.
   * Eventually consistent, as the index read before it.
   */
  async items(entries: readonly Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
    const items = await Promise.all(
      entries.map((e) =>
        this.doc
          .send(new GetCommand({ TableName: this.tableName, Key: { pk: e.pk, sk: e.sk } }))
          .then((out) => out.Item),
      ),
    );
    return items.filter((item): item is Record<string, unknown> => item !== undefined);
  }

  /**
   * Only `attributes` of the items the entries name, read consistently (what the item holds now,
   * not what the index last saw), by key; an item that is gone is absent from the map.
   */
  async attributesOf(
    entries: readonly Record<string, unknown>[],
    attributes: readonly string[],
  ): Promise<Map<string, Record<string, unknown>>> {
    const found = new Map<string, Record<string, unknown>>();
    const names = Object.fromEntries(attributes.map((a, i) => [`#a${i}`, a]));
    const projection = ['pk', 'sk', ...Object.keys(names)].join(', ');
    for (let i = 0; i < entries.length; i += BATCH_GET_LIMIT) {
      let keys: Record<string, unknown>[] | undefined = entries
        .slice(i, i + BATCH_GET_LIMIT)
        .map((e) => ({ pk: e.pk, sk: e.sk }));
      while (keys && keys.length > 0) {
        const out: BatchGetCommandOutput = await this.doc.send(
          new BatchGetCommand({
            RequestItems: {
              [this.tableName]: {
                Keys: keys,
                ProjectionExpression: projection,
                ExpressionAttributeNames: names,
                ConsistentRead: true,
              },
            },
          }),
        );
        for (const item of out.Responses?.[this.tableName] ?? []) found.set(keyOf(item), item);
        const unprocessed: Record<string, unknown>[] | undefined =
          out.UnprocessedKeys?.[this.tableName]?.Keys;
        // Nothing processed at all means throttling: wait a moment before asking again.
        if (unprocessed?.length && !out.Responses?.[this.tableName]?.length)
          await new Promise((r) => setTimeout(r, 50));
        keys = unprocessed;
      }
    }
    return found;
  }
}

/** An item's primary key as one string, to find it again among a batch's answers. */
export const keyOf = (item: Record<string, unknown>): string => JSON.stringify([item.pk, item.sk]);
