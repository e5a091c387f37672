import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  countFacts,
  diffCounters,
  MONTH_COUNTERS_VERSION,
  type MonthCounters,
} from '@psa/model/month-counters';
import { type TicketFact, TicketFactSchema } from '@psa/model/report-facts';
import { isConditionFailure } from './dynamo-outbox.ts';
import { queryAll } from './query-all.ts';
import { keys } from './table.ts';

/**
 * Facts and their month's counters (see month-counters.ts), kept in the month's partition:
 * `F#{ticketId}` the facts; `SUM#{slice}` the counters of one slice of the month (the first two
 * characters of the ticket id; ids are random UUIDs, so 256 even slices), one attribute per
 * counter; `REV` the month's write count; `SUM` the month's counters as of a write count.
 *
 * A fact's write stores the fact with its change of counters (`pending`), then adds that change
 * to its slice and clears it: the slice item remembers the last changes it took (64 slots), so a
 * write retried after a crash adds its change once. That is five calls a write that changes the
 * counters (read, store, add, clear, count the month's write), one for a state already stored or
 * older; services/reporting/test/fact-write-calls.test.ts keeps that budget. A slice not
 * counted yet (`init` missing, e.g. facts from before counters were kept, a new
 * `MONTH_COUNTERS_VERSION`, a bulk load) takes changes unread, at the same cost, and is counted
 * from its facts by the next read, conditional on no write having touched it meanwhile (`wrev`). A month read is two small reads while nothing changed, the 256 slice items after a
 * change, and a count of facts only for slices not counted yet. DynamoDB transactions would
 * make this simpler; the local emulator has none, and the rest of the table does without.
 */
const FIELDS = Object.keys(TicketFactSchema.shape);
export const factOf = (item: Record<string, unknown>) =>
  Object.fromEntries(FIELDS.map((f) => [f, item[f] ?? null])) as TicketFact;

const VERSION = MONTH_COUNTERS_VERSION;
const sliceOf = (ticketId: string) => ticketId.slice(0, 2);
const C = 'c|';
const SLOTS = 64;
const RECOUNT_CONCURRENCY = 8;
const MAX_ATTEMPTS = 25;

function slotOf(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (Math.imul(h, 31) + id.charCodeAt(i)) | 0;
  return `s${(h >>> 0) % SLOTS}`;
}

interface Pending {
  id: string;
  delta: MonthCounters;
}

const countersOf = (item: Record<string, unknown>): MonthCounters => {
  const c: MonthCounters = {};
  for (const [k, v] of Object.entries(item))
    if (k.startsWith(C) && typeof v === 'number' && v !== 0) c[k.slice(C.length)] = v;
  return c;
};

export class MonthCounterStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  /** Reads of the same month's counters in flight: concurrent callers share one. */
  private readonly reading = new Map<string, Promise<MonthCounters>>();
  constructor(doc: DynamoDBDocumentClient, tableName: string) {
    this.doc = doc;
    this.tableName = tableName;
  }

  /** Upserts a fact unless a newer one is stored, and adds its change to the month's counters. */
  async put(fact: TicketFact): Promise<boolean> {
    const pk = keys.monthFacts(fact.tenantId, fact.month);
    const sk = `F#${fact.ticketId}`;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const old = await this.get(pk, sk);
      if (old?.pending) {
        await this.settle(pk, fact.ticketId, old.pending as Pending);
        continue;
      }
      if (old && (old.factVersion as number) > fact.factVersion) return false;
      const delta = diffCounters(countFacts([fact]), old ? countFacts([factOf(old)]) : {});
      const changed = Object.keys(delta).length > 0;
      if (old && old.factVersion === fact.factVersion && !changed) return true;
      const pending: Pending | null = changed
        ? { id: `${fact.ticketId}@${fact.factVersion}@${crypto.randomUUID().slice(0, 8)}`, delta }
        : null;
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { pk, sk, ...fact, ...(pending ? { pending } : {}) },
            ...(old
              ? {
                  ConditionExpression: 'factVersion = :ov AND attribute_not_exists(pending)',
                  ExpressionAttributeValues: { ':ov': old.factVersion },
                }
              : { ConditionExpression: 'attribute_not_exists(pk)' }),
          }),
        );
      } catch (err) {
        if (isConditionFailure(err)) continue;
        throw err;
      }
      if (pending) await this.settle(pk, fact.ticketId, pending);
      return true;
    }
    throw new Error(`the fact of ticket ${fact.ticketId} kept changing under ${MAX_ATTEMPTS} writes`);
  }

  /** Adds a stored fact's change to its slice (once), clears it, and counts the month's write. */
  private async settle(pk: string, ticketId: string, pending: Pending): Promise<void> {
    await this.apply({ pk, sk: `SUM#${sliceOf(ticketId)}` }, pending);
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk, sk: `F#${ticketId}` },
          UpdateExpression: 'REMOVE pending',
          ConditionExpression: 'pending.id = :id',
          ExpressionAttributeValues: { ':id': pending.id },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
    await this.add({ pk, sk: 'REV' }, 'rev');
  }

  /**
   * Adds the change to its slice unless the slice took it already, in one conditional update.
   * A slice not counted yet takes it too: its counters are not read until a count replaces
   * them, and the `wrev` this adds makes a count that read the slice before fail and count again.
   */
  private async apply(key: { pk: string; sk: string }, pending: Pending): Promise<void> {
    const names: Record<string, string> = {
      '#slot': slotOf(pending.id),
      '#wrev': 'wrev',
      '#applied': 'applied',
      '#id': pending.id,
    };
    const values: Record<string, unknown> = { ':id': pending.id, ':one': 1 };
    const adds = ['#wrev :one'];
    Object.entries(pending.delta).forEach(([k, d], i) => {
      names[`#c${i}`] = C + k;
      values[`:c${i}`] = d;
      adds.push(`#c${i} :c${i}`);
    });
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: `ADD ${adds.join(', ')} SET #slot = :id`,
          ConditionExpression:
            '(attribute_not_exists(#slot) OR #slot <> :id) AND attribute_not_exists(#applied.#id)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (err) {
      // Taken already: by this write before a crash, or counted with the fact by a recount.
      if (!isConditionFailure(err)) throw err;
    }
  }

  private async add(key: { pk: string; sk: string }, attribute: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: 'ADD #a :one',
        ExpressionAttributeNames: { '#a': attribute },
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
  }

  private async get(pk: string, sk: string) {
    return (
      await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: true }),
      )
    ).Item;
  }

  private async query(pk: string, prefix: string) {
    return queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': pk, ':p': prefix },
      ConsistentRead: true,
    });
  }

  /** The facts of a month (without their pending changes). */
  async list(tenantId: string, month: string): Promise<TicketFact[]> {
    return (await this.query(keys.monthFacts(tenantId, month), 'F#')).map(factOf);
  }

  /** The month's counters; see the module comment for what each read costs. */
  async counters(tenantId: string, month: string): Promise<MonthCounters> {
    const key = `${tenantId}\n${month}`;
    const running = this.reading.get(key);
    if (running) return structuredClone(await running);
    const read = this.read(keys.monthFacts(tenantId, month)).finally(() => this.reading.delete(key));
    this.reading.set(key, read);
    return structuredClone(await read);
  }

  private async read(pk: string): Promise<MonthCounters> {
    const [marker, total] = await Promise.all([this.get(pk, 'REV'), this.get(pk, 'SUM')]);
    const rev = (marker?.rev as number | undefined) ?? 0;
    if (marker?.init === VERSION && total?.rev === rev && total.version === VERSION) {
      return JSON.parse(total.counters as string);
    }
    if (marker?.init !== VERSION) {
      // Facts not counted under this version (older data, a new version): count every slice once.
      const slices = new Set((await this.query(pk, 'F#')).map((i) => sliceOf((i.sk as string).slice(2))));
      await this.each([...slices], (s) => this.recount(pk, s));
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk, sk: 'REV' },
          UpdateExpression: 'SET #init = :v ADD #rev :zero',
          ExpressionAttributeNames: { '#init': 'init', '#rev': 'rev' },
          ExpressionAttributeValues: { ':v': VERSION, ':zero': 0 },
        }),
      );
    }
    const items = await this.query(pk, 'SUM#');
    const parts = await this.each(items, async (item) =>
      item.init === VERSION ? countersOf(item) : this.recount(pk, (item.sk as string).slice(4)),
    );
    const counters: MonthCounters = {};
    for (const part of parts) for (const [k, v] of Object.entries(part)) counters[k] = (counters[k] ?? 0) + v;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk, sk: 'SUM', rev, version: VERSION, counters: JSON.stringify(counters) },
          ConditionExpression: 'attribute_not_exists(pk) OR #rev <= :rev',
          ExpressionAttributeNames: { '#rev': 'rev' },
          ExpressionAttributeValues: { ':rev': rev },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
    return counters;
  }

  /**
   * Counts one slice from its facts, each at its stored state (a change still pending included,
   * and named in `applied` so its writer does not add it again), unless a write touched the slice
   * since the count began.
   */
  private async recount(pk: string, slice: string): Promise<MonthCounters> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const kept = await this.get(pk, `SUM#${slice}`);
      if (kept?.init === VERSION) return countersOf(kept);
      const items = (await this.query(pk, `F#${slice}`)).filter(
        (i) => sliceOf((i.sk as string).slice(2)) === slice,
      );
      const counters = countFacts(items.map(factOf));
      const applied = Object.fromEntries(
        items.flatMap((i) => (i.pending ? [[(i.pending as Pending).id, true]] : [])),
      );
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              pk,
              sk: `SUM#${slice}`,
              init: VERSION,
              ...(kept?.wrev === undefined ? {} : { wrev: kept.wrev }),
              applied,
              ...Object.fromEntries(Object.entries(counters).map(([k, v]) => [C + k, v])),
            },
            ...(!kept
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : kept.wrev === undefined
                ? {
                    ConditionExpression: 'attribute_not_exists(#wrev)',
                    ExpressionAttributeNames: { '#wrev': 'wrev' },
                  }
                : {
                    ConditionExpression: '#wrev = :w',
                    ExpressionAttributeNames: { '#wrev': 'wrev' },
                    ExpressionAttributeValues: { ':w': kept.wrev },
                  }),
          }),
        );
        return counters;
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    }
    throw new Error(`slice ${slice} of ${pk} kept changing while counted`);
  }

  /**
   * Bulk load of facts of tickets not stored yet (a history import, the benchmarks): BatchWrite,
   * 25 items a request (AWS's limit), then each slice touched is marked to be counted again.
   */
  async loadNew(facts: readonly TicketFact[], concurrency = 8): Promise<void> {
    const batches: TicketFact[][] = [];
    for (let i = 0; i < facts.length; i += 25) batches.push(facts.slice(i, i + 25));
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < batches.length) {
          let requests = batches[next++]!.map((f) => ({
            PutRequest: { Item: { pk: keys.monthFacts(f.tenantId, f.month), sk: `F#${f.ticketId}`, ...f } },
          }));
          while (requests.length > 0) {
            const out = await this.doc.send(
              new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
            );
            requests = (out.UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
          }
        }
      }),
    );
    const touched = new Map<string, Set<string>>();
    for (const f of facts) {
      const pk = keys.monthFacts(f.tenantId, f.month);
      if (!touched.has(pk)) touched.set(pk, new Set());
      touched.get(pk)!.add(sliceOf(f.ticketId));
    }
    for (const [pk, slices] of touched) {
      await this.each([...slices], (s) =>
        this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk, sk: `SUM#${s}` },
            UpdateExpression: 'REMOVE #init ADD #wrev :one',
            ExpressionAttributeNames: { '#init': 'init', '#wrev': 'wrev' },
            ExpressionAttributeValues: { ':one': 1 },
          }),
        ),
      );
      await this.add({ pk, sk: 'REV' }, 'rev');
    }
  }

  private async each<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
    const out: R[] = new Array(items.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: RECOUNT_CONCURRENCY }, async () => {
        while (next < items.length) {
          const i = next++;
          out[i] = await fn(items[i]!);
        }
      }),
    );
    return out;
  }
}
