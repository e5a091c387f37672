import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

/**
 * The document client every DynamoDB adapter takes. Endpoint and credentials come from the SDK's
 * standard resolution (`AWS_ENDPOINT_URL_DYNAMODB` locally), so local mode changes no code.
 *
 * Plain `GetItem`s sent in the same turn of the event loop (a use case reading the ticket and the
 * division of work together) go out as one `BatchGetItem`: one round trip instead of several,
 * the same items, the same read units. See {@link coalesceGets}.
 */
export function createDocumentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return coalesceGets(
    DynamoDBDocumentClient.from(new DynamoDBClient(config), {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    }),
  );
}

/** BatchGetItem's limit of keys a request (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html). */
const BATCH_GET_LIMIT = 100;

type Key = Record<string, unknown>;
interface PendingGet {
  table: string;
  key: Key;
  consistent: boolean;
  resolve: (item: Record<string, unknown> | undefined) => void;
  reject: (err: unknown) => void;
}

const keyId = (table: string, key: Key, names: readonly string[]) =>
  JSON.stringify([table, ...names.map((n) => key[n])]);

/**
 * Makes `doc` send the `GetCommand`s issued in one synchronous stretch (say, the reads of a
 * `Promise.all`) as one `BatchGetItem`, answered to each caller as its own `GetItem` would be. Only
 * gets with nothing but a table, a key and a consistency flag are gathered (a projection goes
 * out alone); the batch reads consistently when any of its gets asked to. A lone get goes out as
 * it came. Keys DynamoDB leaves unprocessed are asked for again.
 */
export function coalesceGets(doc: DynamoDBDocumentClient): DynamoDBDocumentClient {
  // The class's own `send`, looked up on each call (not captured once), so what instruments the
  // SDK's clients later (the bench's meter, a tracer) still sees every request.
  const send = (command: unknown, options?: unknown) =>
    (Object.getPrototypeOf(doc) as { send: (c: unknown, o?: unknown) => Promise<unknown> }).send.call(
      doc,
      command,
      options,
    );
  let pending: PendingGet[] = [];

  const flush = () => {
    const batch = pending;
    pending = [];
    if (batch.length === 1) {
      const [get] = batch as [PendingGet];
      send(
        new GetCommand({
          TableName: get.table,
          Key: get.key,
          ...(get.consistent ? { ConsistentRead: true } : {}),
        }),
      ).then((out) => get.resolve((out as { Item?: Record<string, unknown> }).Item), get.reject);
      return;
    }
    for (let i = 0; i < batch.length; i += BATCH_GET_LIMIT) {
      batchGet(batch.slice(i, i + BATCH_GET_LIMIT)).catch((err: unknown) => {
        for (const get of batch.slice(i, i + BATCH_GET_LIMIT)) get.reject(err);
      });
    }
  };

  const batchGet = async (gets: PendingGet[]) => {
    const byTable = new Map<string, PendingGet[]>();
    for (const get of gets) byTable.set(get.table, [...(byTable.get(get.table) ?? []), get]);
    const waiting = new Map<string, PendingGet[]>();
    const keyNames = new Map<string, string[]>();
    let request: Record<string, { Keys: Key[]; ConsistentRead?: boolean }> = {};
    for (const [table, list] of byTable) {
      const names = Object.keys(list[0]!.key).sort();
      keyNames.set(table, names);
      const keys: Key[] = [];
      for (const get of list) {
        const id = keyId(table, get.key, names);
        // BatchGetItem refuses a key asked for twice: one read answers both.
        if (!waiting.has(id)) keys.push(get.key);
        waiting.set(id, [...(waiting.get(id) ?? []), get]);
      }
      request[table] = { Keys: keys, ...(list.some((g) => g.consistent) ? { ConsistentRead: true } : {}) };
    }
    while (Object.keys(request).length > 0) {
      const out = (await send(new BatchGetCommand({ RequestItems: request }))) as {
        Responses?: Record<string, Record<string, unknown>[]>;
        UnprocessedKeys?: typeof request;
      };
      for (const [table, items] of Object.entries(out.Responses ?? {})) {
        for (const item of items) {
          const id = keyId(table, item, keyNames.get(table)!);
          for (const get of waiting.get(id) ?? []) get.resolve(item);
          waiting.delete(id);
        }
      }
      request = out.UnprocessedKeys ?? {};
      // Nothing processed at all means throttling: wait a moment before asking again.
      if (Object.keys(request).length > 0 && Object.keys(out.Responses ?? {}).length === 0)
        await new Promise((r) => setTimeout(r, 50));
    }
    // What is neither returned nor unprocessed does not exist.
    for (const list of waiting.values()) for (const get of list) get.resolve(undefined);
  };

  const coalescing = (command: unknown, options?: unknown) => {
    if (!(command instanceof GetCommand) || options !== undefined) return send(command, options);
    const { TableName, Key, ConsistentRead, ...rest } = command.input;
    if (!TableName || !Key || Object.values(rest).some((v) => v !== undefined)) return send(command);
    return new Promise((resolve, reject) => {
      if (pending.length === 0) queueMicrotask(flush);
      pending.push({
        table: TableName,
        key: Key,
        consistent: ConsistentRead === true,
        resolve: (Item) => resolve(Item ? { Item, $metadata: {} } : { $metadata: {} }),
        reject,
      });
    });
  };
  doc.send = coalescing as typeof doc.send;
  return doc;
}
