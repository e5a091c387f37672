import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { RETIRED_INDEXES, TABLE_INDEXES } from './table.ts';

/** The ticket-list indexes: each has a retired predecessor a deployed stage may still be on. */
export type TicketListIndex = keyof typeof RETIRED_INDEXES;

/** How long a container keeps reading a retired index after it found its successor unreadable. */
const RETIRED_FOR_MS = 60_000;

/**
 * DynamoDB's answer to a query of an index the table does not have ("The table does not have
 * the specified index: …") or one still filling after it was added ("Cannot read from
 * backfilling global secondary index: …").
 */
function unreadableIndex(err: unknown, name: string): boolean {
  const e = err as { name?: string; message?: string };
  return e.name === 'ValidationException' && (e.message ?? '').includes(name);
}

/**
 * Reads of the ticket-list indexes (./table.ts `TABLE_INDEXES`). Those carry a ticket's keys and
 * the few attributes their queries filter on, not the ticket, so a list follows its page's keys
 * to the tickets with one BatchGetItem. While a deployed stage upgrades (README, "Operating in
 * AWS") an index may not exist yet or still be filling: its retired predecessor, with the same
 * keys, answers instead.
 */
export class TicketIndexReads {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly retiredUntil = new Map<TicketListIndex, number>();

  constructor(doc: DynamoDBDocumentClient, tableName: string) {
    this.doc = doc;
    this.tableName = tableName;
  }

  /** One page of a query of `index`. */
  async query(
    index: TicketListIndex,
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
    index: TicketListIndex,
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
   * The ticket items the index entries name, in their order: gets issued together, which the
   * document client (./dynamo-client.ts) sends as BatchGetItems. An entry whose ticket is gone
   * is left out. Eventually consistent, as the index read before it.
   */
  async tickets(entries: readonly Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
    const items = await Promise.all(
      entries.map((e) =>
        this.doc
          .send(new GetCommand({ TableName: this.tableName, Key: { pk: e.pk, sk: e.sk } }))
          .then((out) => out.Item),
      ),
    );
    return items.filter((item): item is Record<string, unknown> => item !== undefined);
  }
}
