/**
 * The bench's AWS meter: a middleware on every SDK client the functions create (added through the
 * SDK's Client class, so no handler or adapter changes) that turns each request a function makes
 * into what AWS bills for it: DynamoDB read and write request units from item sizes (indexes
 * included), EventBridge events and SQS requests in 64 KB chunks, S3 requests by tier, SES
 * messages. Requests the runtime makes for itself (outside an invocation) are not counted.
 */
import { createRequire } from 'node:module';
import { type AttributeValue, DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { projectionOf, TABLE_DEFINITION } from '@psa/aws/table';
import { Client } from '@smithy/core/client';
import { currentInvocation } from '../invocations.ts';

type Item = Record<string, AttributeValue>;

/** DynamoDB's item size rules (attribute names plus values), as the emulator computes them. */
const { itemSize } = createRequire(import.meta.url)('dynalite/db/index.js') as {
  itemSize: (item: Item) => number;
};

/** What one function's requests cost in billing units. */
export interface Usage {
  readUnits: number;
  writeUnits: number;
  /** DynamoDB API calls, by operation. */
  dynamoCalls: Record<string, number>;
  events: number;
  sqsRequests: number;
  s3Put: number;
  s3Get: number;
  sesMessages: number;
}

export const emptyUsage = (): Usage => ({
  readUnits: 0,
  writeUnits: 0,
  dynamoCalls: {},
  events: 0,
  sqsRequests: 0,
  s3Put: 0,
  s3Get: 0,
  sesMessages: 0,
});

const KB = 1024;
const CHUNK_64KB = 64 * KB;
const bytes = (text: string | undefined) => (text ? Buffer.byteLength(text, 'utf8') : 0);
const chunks = (size: number, chunk: number) => Math.max(1, Math.ceil(size / chunk));

/** Read units of `size` bytes read at once: 4 KB steps, half for an eventually consistent read. */
const readUnits = (size: number, consistent: boolean | undefined) =>
  chunks(size, 4 * KB) * (consistent ? 1 : 0.5);
const writeUnits = (size: number) => chunks(size, KB);

/**
 * Write units of replacing `before` with `after` (either may be absent): the table pays for the
 * larger of the two; each index pays to put, update or delete its entry, following
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.ThroughputConsiderations.Writes
 * (an index entry is the size of what the index projects: every attribute, or its keys and the
 * attributes it includes, if any).
 */
export function writeUnitsOf(before: Item | undefined, after: Item | undefined): number {
  const size = (item: Item | undefined) => (item ? itemSize(item) : 0);
  let units = writeUnits(Math.max(size(before), size(after)));
  for (const index of TABLE_DEFINITION.indexes) {
    const projection = projectionOf(index);
    const projected = (item: Item | undefined): Item | undefined => {
      if (!item || projection.type === 'ALL') return item;
      const included = projection.type === 'INCLUDE' ? projection.attributes : [];
      const kept = new Set(['pk', 'sk', index.pk, index.sk, ...included]);
      return Object.fromEntries(Object.entries(item).filter(([k]) => kept.has(k))) as Item;
    };
    const entrySize = (item: Item | undefined) => (item ? itemSize(projected(item)!) : 0);
    const keyOf = (item: Item | undefined) =>
      item?.[index.pk] && item[index.sk] ? JSON.stringify([item[index.pk], item[index.sk]]) : undefined;
    const was = keyOf(before);
    const is = keyOf(after);
    if (was && is && was === is) {
      if (JSON.stringify(projected(before)) !== JSON.stringify(projected(after)))
        units += writeUnits(entrySize(after));
    } else {
      if (was) units += writeUnits(entrySize(before));
      if (is) units += writeUnits(entrySize(after));
    }
  }
  return units;
}

/**
 * The page a Query read, without what only narrows what it returns (filter, projection, COUNT),
 * keeping the names and values its key condition uses.
 */
function wholeQuery(input: Record<string, unknown>): Record<string, unknown> {
  const {
    FilterExpression: _f,
    ProjectionExpression: _p,
    Select: _s,
    ExpressionAttributeNames,
    ExpressionAttributeValues,
    ...query
  } = input;
  const condition = String(input.KeyConditionExpression ?? '');
  const used = <T>(all: Record<string, T> | undefined) => {
    const kept = Object.fromEntries(
      Object.entries(all ?? {}).filter(([name]) => new RegExp(`${name}(?!\\w)`).test(condition)),
    );
    return Object.keys(kept).length > 0 ? kept : undefined;
  };
  const names = used(ExpressionAttributeNames as Record<string, string> | undefined);
  const values = used(ExpressionAttributeValues as Record<string, AttributeValue> | undefined);
  return {
    ...query,
    ...(names ? { ExpressionAttributeNames: names } : {}),
    ...(values ? { ExpressionAttributeValues: values } : {}),
  };
}

let meters = 0;

interface MeterOptions {
  /** The emulator, read directly (unmetered) for items' sizes before and after a write. */
  dynamodbEndpoint: string;
}

/**
 * Meters every SDK request made inside a function invocation into `usageFor(functionId)`.
 * Returns a function that stops metering.
 */
export function meterAwsRequests(usageFor: (functionId: string) => Usage, opts: MeterOptions): () => void {
  // The emulator checks no signature: any credentials do.
  const raw = new DynamoDBClient({
    endpoint: opts.dynamodbEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const instrumented = new WeakSet<object>();
  const meter = ++meters;
  let on = true;
  const keyOf = (item: Item): Item => {
    const key: Item = { [TABLE_DEFINITION.partitionKey]: item[TABLE_DEFINITION.partitionKey]! };
    const sk = item[TABLE_DEFINITION.sortKey];
    if (sk) key[TABLE_DEFINITION.sortKey] = sk;
    return key;
  };
  const read = async (table: string, key: Item): Promise<Item | undefined> =>
    (await raw.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
  const sizeOf = async (table: string, key: Item) => {
    const item = await read(table, key);
    return item ? itemSize(item) : 0;
  };

  /** Runs a write, reading its items before and after, and counts its units (also when it fails). */
  const metered = async <T>(
    usage: Usage,
    targets: { table: string; key: Item }[],
    factor: number,
    run: () => Promise<T>,
  ) => {
    const before = await Promise.all(targets.map((t) => read(t.table, t.key)));
    try {
      return await run();
    } finally {
      const after = await Promise.all(targets.map((t) => read(t.table, t.key)));
      targets.forEach((_, i) => {
        usage.writeUnits += factor * writeUnitsOf(before[i], after[i]);
      });
    }
  };

  // biome-ignore lint/suspicious/noExplicitAny: every command's input and output passes through here
  type Input = Record<string, any>;
  const middleware =
    (
      next: (args: { input: Input }) => Promise<{ output: Input }>,
      context: { clientName?: string; commandName?: string },
    ) =>
    async (args: { input: Input }) => {
      const invocation = on ? currentInvocation() : undefined;
      if (!invocation) return next(args);
      const usage = usageFor(invocation.functionId);
      const op = (context.commandName ?? '').replace(/Command$/, '');
      const input = args.input;
      switch (context.clientName) {
        case 'DynamoDBClient': {
          usage.dynamoCalls[op] = (usage.dynamoCalls[op] ?? 0) + 1;
          const table = input.TableName as string;
          if (op === 'PutItem')
            return metered(usage, [{ table, key: keyOf(input.Item) }], 1, () => next(args));
          if (op === 'UpdateItem' || op === 'DeleteItem')
            return metered(usage, [{ table, key: input.Key }], 1, () => next(args));
          if (op === 'BatchWriteItem') {
            const targets = Object.entries(input.RequestItems as Record<string, Input[]>).flatMap(
              ([t, reqs]) =>
                reqs.map((r) => ({
                  table: t,
                  key: r.PutRequest ? keyOf(r.PutRequest.Item) : r.DeleteRequest.Key,
                })),
            );
            return metered(usage, targets, 1, () => next(args));
          }
          if (op === 'TransactWriteItems') {
            // Transactional writes cost twice a standard write of the same items.
            const targets = (input.TransactItems as Input[]).map((t) => {
              const w = t.Put ?? t.Update ?? t.Delete ?? t.ConditionCheck;
              return { table: w.TableName as string, key: t.Put ? keyOf(w.Item) : w.Key };
            });
            return metered(usage, targets, 2, () => next(args));
          }
          const result = await next(args);
          // The output above this step is unmarshalled (and projected): what was read is sized
          // by reading it again, unmetered and whole.
          if (op === 'GetItem')
            usage.readUnits += readUnits(await sizeOf(table, input.Key), input.ConsistentRead);
          else if (op === 'BatchGetItem') {
            for (const [t, request] of Object.entries(input.RequestItems as Record<string, Input>))
              for (const key of request.Keys as Item[])
                usage.readUnits += readUnits(await sizeOf(t, key), false);
          } else if (op === 'Query') {
            // A Query pays for every item it reads (before any filter), summed and rounded up once.
            const items = (await raw.send(new QueryCommand(wholeQuery(input) as never))).Items ?? [];
            usage.readUnits += readUnits(
              items.reduce((sum, item) => sum + itemSize(item), 0),
              input.ConsistentRead,
            );
          }
          return result;
        }
        case 'EventBridgeClient':
          if (op === 'PutEvents') {
            // Each entry is billed in 64 KB chunks (https://aws.amazon.com/eventbridge/pricing/).
            for (const e of input.Entries as Input[])
              usage.events += chunks(
                bytes(e.Source) + bytes(e.DetailType) + bytes(e.Detail) + 14,
                CHUNK_64KB,
              );
          }
          return next(args);
        case 'SQSClient': {
          // Every 64 KB chunk of a request's payload is one request (https://aws.amazon.com/sqs/pricing/).
          const payload =
            op === 'SendMessageBatch'
              ? (input.Entries as Input[]).reduce((sum, e) => sum + bytes(e.MessageBody), 0)
              : bytes(input.MessageBody);
          usage.sqsRequests += chunks(payload, CHUNK_64KB);
          return next(args);
        }
        case 'S3Client':
          if (/^(Get|Head)Object$/.test(op)) usage.s3Get += 1;
          else usage.s3Put += 1;
          return next(args);
        case 'SESv2Client':
          if (op === 'SendEmail') usage.sesMessages += 1;
          return next(args);
        default:
          return next(args);
      }
    };

  const proto = Client.prototype as unknown as { send: (...args: unknown[]) => unknown };
  const send = proto.send;
  proto.send = function (this: { middlewareStack: { add: (mw: unknown, opts: unknown) => void } }, ...args) {
    if (this !== (raw as unknown) && !instrumented.has(this.middlewareStack)) {
      instrumented.add(this.middlewareStack);
      // At the build step the document client has marshalled the input (DynamoDB JSON, keys
      // as the table holds them).
      // Named per meter: a stopped meter's middleware stays on the stack, passing requests through.
      this.middlewareStack.add(middleware, {
        step: 'build',
        priority: 'high',
        name: `psaBenchCostMeter${meter}`,
      });
    }
    return send.apply(this, args);
  };
  return () => {
    on = false;
    proto.send = send;
  };
}
