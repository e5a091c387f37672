import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError, StaleWriteError, ValidationError } from '@psa/model/errors';
import type { OutboxEntry, OutboxRef, TicketListQuery, TicketPage, TicketStore } from '@psa/model/ports';
import { isOpenStatus, type Owner, type Ticket, TicketSchema } from '@psa/model/ticket';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { isConditionFailure, outboxItemAttributes, outboxRef, outboxUpdateParts } from './dynamo-outbox.ts';
import { IndexReads, type RenamedIndex } from './index-reads.ts';
import { lookupFirst } from './query-all.ts';
import { keys, TABLE_INDEXES } from './table.ts';
import {
  fitsInline,
  LISTS,
  type ListCounts,
  type ListName,
  readSpilled,
  spillEntries,
  spilledAttribute,
  spilledCondition,
  spilledCounts,
} from './ticket-lists.ts';

const TICKET_FIELDS = Object.keys(TicketSchema.shape) as (keyof Ticket)[];
const LIST_FIELDS: ReadonlySet<string> = new Set<string>(LISTS);

/**
 * DynamoDB refuses a write it can never take (an item over 400 KB, a key over its size) with a
 * ValidationException: the caller's record is at fault, so it is a ValidationError, not an outage.
 */
function refusedWrite(err: unknown, what: string): unknown {
  if ((err as { name?: string }).name !== 'ValidationException') return err;
  return new ValidationError(`${what} cannot be stored: ${(err as Error).message}`, [], { cause: err });
}

/** Index attributes a ticket carries, derived from its state (never stored apart from it). */
function indexAttributes(t: Ticket): { set: Record<string, string>; remove: string[] } {
  const sortKey = `${t.receivedAt}#${t.id}`;
  const set: Record<string, string> = {
    [TABLE_INDEXES.tickets.pk]: keys.ticketsIndex(t.tenantId),
    [TABLE_INDEXES.tickets.sk]: sortKey,
    [TABLE_INDEXES.requester.pk]: keys.requesterIndex(t.tenantId, t.requester.email),
    [TABLE_INDEXES.requester.sk]: sortKey,
    [TABLE_INDEXES.lookup.pk]: keys.ticketNumberLookup(t.tenantId, t.number),
    [TABLE_INDEXES.lookup.sk]: 'TICKET',
  };
  const remove: string[] = [];
  if (t.owner === 'partner' || t.owner === 'triage') {
    set[TABLE_INDEXES.partnerVisible.pk] = keys.partnerVisibleIndex(t.tenantId);
    set[TABLE_INDEXES.partnerVisible.sk] = sortKey;
  } else {
    remove.push(TABLE_INDEXES.partnerVisible.pk, TABLE_INDEXES.partnerVisible.sk);
  }
  if (t.owner && isOpenStatus(t.status)) {
    set[TABLE_INDEXES.open.pk] = keys.openIndex(t.tenantId, t.owner);
    set[TABLE_INDEXES.open.sk] = sortKey;
  } else {
    remove.push(TABLE_INDEXES.open.pk, TABLE_INDEXES.open.sk);
  }
  return { set, remove };
}

/** A ticket from its item and the entries of its lists that live in items of their own. */
function toTicket(item: Record<string, unknown>, spilled?: Record<ListName, unknown[]>): Ticket {
  const picked: Record<string, unknown> = {};
  for (const f of TICKET_FIELDS) picked[f] = item[f] ?? null;
  // Fields added after a ticket was written read as their defaults.
  picked.occurrences ??= 1;
  for (const list of LISTS) picked[list] = [...(spilled?.[list] ?? []), ...((item[list] as unknown[]) ?? [])];
  return picked as Ticket;
}

/** Most ticket numbers one counter write reserves for a container. */
const MAX_NUMBER_BLOCK = 32;
/** A block used up faster than this makes the next one twice as large. */
const NUMBER_BLOCK_WINDOW_MS = 10_000;

interface NumberBlock {
  next: number;
  last: number;
  size: number;
  /** When it was reserved (ms). */
  takenAt: number;
}

export class DynamoTicketStore implements TicketStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly now: () => Date;
  private readonly indexes: IndexReads;
  /** This container's reserved ticket numbers by tenant, or the reservation under way. */
  private readonly numberBlocks = new Map<string, NumberBlock | { pending: Promise<void> }>();

  constructor(doc: DynamoDBDocumentClient, tableName: string, now: () => Date = () => new Date()) {
    this.doc = doc;
    this.tableName = tableName;
    this.now = now;
    this.indexes = new IndexReads(doc, tableName);
  }

  /**
   * Ticket numbers come from the tenant's counter in blocks: one `ADD` reserves a run of numbers
   * for this container, which hands them out in order. A block starts at one number and doubles
   * (to {@link MAX_NUMBER_BLOCK}) while the previous one was used up within
   * {@link NUMBER_BLOCK_WINDOW_MS}, so a quiet tenant leaves no gaps and a busy one pays a counter
   * write per block, not per ticket. Numbers stay unique per tenant and increase within a
   * container; a container that stops (or a concurrent one) leaves the rest of its block unused.
   */
  async nextNumber(tenantId: string): Promise<number> {
    for (;;) {
      const block = this.numberBlocks.get(tenantId);
      if (block && !('pending' in block) && block.next <= block.last) return block.next++;
      if (block && 'pending' in block) {
        await block.pending;
        continue;
      }
      const size =
        block && this.now().getTime() - block.takenAt < NUMBER_BLOCK_WINDOW_MS
          ? Math.min(block.size * 2, MAX_NUMBER_BLOCK)
          : 1;
      const pending = this.reserveNumbers(tenantId, size).then(
        (last) => {
          this.numberBlocks.set(tenantId, {
            next: last - size + 1,
            last,
            size,
            takenAt: this.now().getTime(),
          });
        },
        (err: unknown) => {
          if (block) this.numberBlocks.set(tenantId, block);
          else this.numberBlocks.delete(tenantId);
          throw err;
        },
      );
      this.numberBlocks.set(tenantId, { pending });
      await pending;
    }
  }

  /** Reserves `size` numbers of the tenant's counter; returns the last of them. */
  private async reserveNumbers(tenantId: string, size: number): Promise<number> {
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.counter(tenantId, 'ticket'),
        UpdateExpression: 'ADD #v :n',
        ExpressionAttributeNames: { '#v': 'value' },
        ExpressionAttributeValues: { ':n': size },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return 1000 + Number(out.Attributes?.value);
  }

  async create(ticket: Ticket, outbox: OutboxEntry[]): Promise<OutboxRef> {
    const key = keys.ticket(ticket.tenantId, ticket.id);
    const { set } = indexAttributes(ticket);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key, ...ticket, ...set, ...outboxItemAttributes(outbox, this.now(), key) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return outboxRef(key);
    } catch (err) {
      if (isConditionFailure(err)) throw new ConflictError(`ticket ${ticket.id} exists`, { cause: err });
      throw refusedWrite(err, `ticket ${ticket.id}`);
    }
  }

  async get(tenantId: string, id: string): Promise<Ticket | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.ticket(tenantId, id), ConsistentRead: true }),
    );
    return out.Item ? this.withLists(out.Item) : null;
  }

  /** The ticket of an item, with the entries of its lists that live in items of their own. */
  private async withLists(item: Record<string, unknown>): Promise<Ticket> {
    const counts = spilledCounts(item);
    if (LISTS.every((list) => counts[list] === 0)) return toTicket(item);
    const ticket = { tenantId: String(item.tenantId), id: String(item.id) };
    return toTicket(item, await readSpilled(this.doc, this.tableName, ticket, counts));
  }

  /** How many entries of each list the stored ticket keeps off its item; stale unless at `version`. */
  private async storedCounts(ticket: Ticket, version: number): Promise<ListCounts> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.ticket(ticket.tenantId, ticket.id),
        ConsistentRead: true,
        ProjectionExpression: LISTS.map((_, i) => `#s${i}`)
          .concat('#version')
          .join(', '),
        ExpressionAttributeNames: {
          '#version': 'version',
          ...Object.fromEntries(LISTS.map((list, i) => [`#s${i}`, spilledAttribute(list)])),
        },
      }),
    );
    if (out.Item?.version !== version) {
      throw new StaleWriteError(`ticket ${ticket.id} changed since version ${version}`);
    }
    return spilledCounts(out.Item);
  }

  /**
   * Replace the ticket at `version - 1` (see {@link TicketStore.update}). Its lists only ever grow:
   * while they fit on the item they are written there whole; once they do not, the entries
   * already moved to items of their own stay there, and the ones that no longer fit follow them
   * after the write (./ticket-lists.ts).
   */
  async update(ticket: Ticket, outbox: OutboxEntry[], settled: readonly string[] = []): Promise<OutboxRef> {
    const key = keys.ticket(ticket.tenantId, ticket.id);
    const divided = !fitsInline(ticket);
    const stored: ListCounts = divided
      ? await this.storedCounts(ticket, ticket.version - 1)
      : { history: 0, handoffs: 0 };
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':prev': ticket.version - 1 };
    const sets: string[] = [];
    const setAttr = (name: string, value: unknown) => {
      const i = sets.length;
      names[`#a${i}`] = name;
      values[`:a${i}`] = value;
      sets.push(`#a${i} = :a${i}`);
    };
    for (const f of TICKET_FIELDS) {
      if (f === 'tenantId' || f === 'id') continue;
      // An optional field left out is written as null, as `toTicket` reads it back.
      setAttr(
        f,
        LIST_FIELDS.has(f) ? ticket[f as ListName].slice(stored[f as ListName]) : (ticket[f] ?? null),
      );
    }
    const conditions = ['#version = :prev'];
    if (divided) {
      // Another writer may have moved entries since `stored` was read, without a new version.
      for (const list of LISTS) {
        names[`#${list}Spilled`] = spilledAttribute(list);
        values[`:${list}Was`] = stored[list];
        conditions.push(spilledCondition(list, stored[list]));
      }
    }
    const idx = indexAttributes(ticket);
    for (const [k, v] of Object.entries(idx.set)) setAttr(k, v);
    const ob = outboxUpdateParts(outbox, this.now(), key, settled);
    const removes = [
      ...idx.remove.map((name, i) => {
        names[`#r${i}`] = name;
        return `#r${i}`;
      }),
      ...ob.remove,
    ];
    Object.assign(names, ob.names, { '#version': 'version' });
    Object.assign(values, ob.values);
    const expr = `SET ${[...sets, ...ob.set].join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: expr,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) {
        throw new StaleWriteError(`ticket ${ticket.id} changed since version ${ticket.version - 1}`, {
          cause: err,
        });
      }
      throw refusedWrite(err, `ticket ${ticket.id}`);
    }
    // The change is written: a failure to move entries now only leaves them on the item, where
    // the next write moves them, so it must not make the caller think the write failed.
    if (divided) await spillEntries(this.doc, this.tableName, ticket, stored).catch(() => undefined);
    return outboxRef(key);
  }

  async list(query: TicketListQuery): Promise<TicketPage> {
    const owners = query.owner === undefined ? [] : Array.isArray(query.owner) ? query.owner : [query.owner];
    const index: { name: RenamedIndex; pk: string } = query.requesterEmail
      ? { name: 'requester', pk: keys.requesterIndex(query.tenantId, query.requesterEmail) }
      : owners.length > 0 && owners.every((o) => o !== 'internal')
        ? { name: 'partnerVisible', pk: keys.partnerVisibleIndex(query.tenantId) }
        : { name: 'tickets', pk: keys.ticketsIndex(query.tenantId) };
    const def = TABLE_INDEXES[index.name];
    // The filters name only attributes the index carries (./table.ts).
    const filters: string[] = [];
    const names: Record<string, string> = { '#pk': def.pk };
    const values: Record<string, unknown> = { ':pk': index.pk };
    if (owners.length > 0) {
      names['#owner'] = 'owner';
      filters.push(`#owner IN (${owners.map((_, i) => `:o${i}`).join(', ')})`);
      owners.forEach((o, i) => {
        values[`:o${i}`] = o;
      });
    }
    if (query.status) {
      names['#status'] = 'status';
      values[':status'] = query.status;
      filters.push('#status = :status');
    }
    const input: Omit<QueryCommandInput, 'TableName' | 'IndexName'> = {
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
      ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
    };
    // A filter applies after DynamoDB's Limit, so keep reading until the page is full.
    const entries: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined = decodeCursor(query.cursor, {
      attributes: ['pk', 'sk', def.pk, def.sk],
      partition: { attribute: def.pk, value: index.pk },
    });
    let lastKey: Record<string, unknown> | undefined;
    do {
      const out = await this.indexes
        .query(index.name, { ...input, Limit: query.limit - entries.length, ExclusiveStartKey: start })
        .catch((err: Error) => {
          // A cursor we did not issue (tampered, or from another listing) is the caller's error.
          if (err.name === 'ValidationException' && query.cursor) {
            throw new ValidationError(
              'cursor is not one this API issued',
              [{ path: 'query.cursor', message: 'invalid' }],
              {
                cause: err,
              },
            );
          }
          throw err;
        });
      entries.push(...(out.Items ?? []));
      lastKey = out.LastEvaluatedKey;
      start = lastKey;
    } while (lastKey && entries.length < query.limit);
    const items = await this.indexes.items(entries);
    return {
      items: await Promise.all(items.map((item) => this.withLists(item))),
      nextCursor: encodeCursor(lastKey),
    };
  }

  /** The ticket with this number (threading by the `[ACME-1042]` token in a subject). */
  async getByNumber(tenantId: string, number: number): Promise<Ticket | null> {
    const item = await lookupFirst(this.doc, this.tableName, keys.ticketNumberLookup(tenantId, number));
    return item ? this.get(tenantId, item.id as string) : null;
  }

  async listOpen(tenantId: string, owner: Owner): Promise<Ticket[]> {
    const entries = await this.indexes.queryAll('open', {
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': TABLE_INDEXES.open.pk },
      ExpressionAttributeValues: { ':pk': keys.openIndex(tenantId, owner) },
    });
    const items = await this.indexes.items(entries);
    return Promise.all(items.map((item) => this.withLists(item)));
  }

  async countOpen(tenantId: string, owner: Owner, atMost?: number): Promise<number> {
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.indexes.query('open', {
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': TABLE_INDEXES.open.pk },
        ExpressionAttributeValues: { ':pk': keys.openIndex(tenantId, owner) },
        Select: 'COUNT',
        ExclusiveStartKey: start,
        ...(atMost !== undefined ? { Limit: atMost - count } : {}),
      });
      count += out.Count ?? 0;
      start = out.LastEvaluatedKey;
    } while (start && (atMost === undefined || count < atMost));
    return count;
  }
}
