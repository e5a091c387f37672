/**
 * A ticket's growing lists (status history, handoffs) without a size cliff. DynamoDB refuses an
 * item over 400 KB (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html),
 * and a status note alone may be 30 KB, so the ticket item keeps only the newest entries of each
 * list (at most {@link INLINE_LIST_ENTRIES} and {@link INLINE_LIST_BYTES}); the older ones are
 * items of their own in the ticket's partition (`TICKET#{list}#{position}`), and the item counts
 * them in `{list}Spilled`. The store reads both and hands the domain the whole list.
 *
 * Moving entries off the item is a second step after the ticket's own write, as an outbox is:
 * the write keeps every entry that is not yet moved on the item, then the entries are copied to
 * their items (each at its position, the same content whoever copies it: the lists only grow)
 * and the item drops them and counts them, conditional on nobody having written meanwhile. A
 * crash between the steps leaves them on the item, where the next write moves them.
 */
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Ticket } from '@psa/model/ticket';
import { queryAll } from './query-all.ts';
import { keys } from './table.ts';

export type ListName = 'history' | 'handoffs';
export const LISTS: readonly ListName[] = ['history', 'handoffs'];

/** Entries of one list a ticket item keeps at most, and their size at most (UTF-8 of their JSON). */
export const INLINE_LIST_ENTRIES = 20;
export const INLINE_LIST_BYTES = 24 * 1024;

export type ListCounts = Record<ListName, number>;

/** The item attribute that counts a list's entries kept in items of their own. */
export const spilledAttribute = (list: ListName) => `${list}Spilled`;

/** How many of a ticket item's entries of each list live in items of their own. */
export function spilledCounts(item: Record<string, unknown>): ListCounts {
  return {
    history: Number(item[spilledAttribute('history')] ?? 0),
    handoffs: Number(item[spilledAttribute('handoffs')] ?? 0),
  };
}

/**
 * Where a list divides into the entries that live in items of their own and the newest ones the
 * ticket item keeps: the start of its longest end that fits. It only moves forward as a list
 * grows, so a list that fits whole was never divided.
 */
export function spillPoint(list: readonly unknown[]): number {
  let bytes = 0;
  let point = list.length;
  while (point > 0 && list.length - point < INLINE_LIST_ENTRIES) {
    const size = Buffer.byteLength(JSON.stringify(list[point - 1]));
    if (bytes + size > INLINE_LIST_BYTES) break;
    bytes += size;
    point--;
  }
  return point;
}

export const fitsInline = (t: Pick<Ticket, ListName>): boolean =>
  LISTS.every((list) => spillPoint(t[list]) === 0);

/** The entries of a ticket's lists kept in items of their own, the first `counts` of each. */
export async function readSpilled(
  doc: DynamoDBDocumentClient,
  tableName: string,
  ticket: { tenantId: string; id: string },
  counts: ListCounts,
): Promise<Record<ListName, unknown[]>> {
  const items = await queryAll(doc, {
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: {
      ':pk': keys.ticketPartition(ticket.tenantId, ticket.id),
      ':prefix': keys.ticketListEntryPrefix,
    },
    ConsistentRead: true,
  });
  const out: Record<ListName, unknown[]> = { history: [], handoffs: [] };
  for (const item of items) {
    const list = item.list as ListName;
    const index = Number(item.index);
    // Entries copied by a second step that did not finish are not counted yet: the item has them.
    if (LISTS.includes(list) && index < counts[list]) out[list][index] = item.entry;
  }
  return out;
}

/**
 * The second step: copy the entries of `ticket` (as written at its version, with `stored`
 * already moved) that no longer fit on its item to items of their own, then drop them from the
 * item. Returns quietly when another writer got in first; that writer moves them.
 */
export async function spillEntries(
  doc: DynamoDBDocumentClient,
  tableName: string,
  ticket: Ticket,
  stored: ListCounts,
): Promise<void> {
  const target: ListCounts = {
    history: Math.max(stored.history, spillPoint(ticket.history)),
    handoffs: Math.max(stored.handoffs, spillPoint(ticket.handoffs)),
  };
  if (LISTS.every((list) => target[list] === stored[list])) return;
  for (const list of LISTS) {
    for (let index = stored[list]; index < target[list]; index++) {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...keys.ticketListEntry(ticket.tenantId, ticket.id, list, index),
            list,
            index,
            entry: ticket[list][index],
          },
        }),
      );
    }
  }
  const names: Record<string, string> = { '#version': 'version' };
  const values: Record<string, unknown> = { ':version': ticket.version };
  const sets: string[] = [];
  const conditions = ['#version = :version'];
  for (const list of LISTS) {
    names[`#${list}`] = list;
    names[`#${list}Spilled`] = spilledAttribute(list);
    values[`:${list}`] = ticket[list].slice(target[list]);
    values[`:${list}Spilled`] = target[list];
    values[`:${list}Was`] = stored[list];
    sets.push(`#${list} = :${list}`, `#${list}Spilled = :${list}Spilled`);
    conditions.push(spilledCondition(list, stored[list]));
  }
  await doc
    .send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.ticket(ticket.tenantId, ticket.id),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    )
    .catch((err: { name?: string }) => {
      if (err.name !== 'ConditionalCheckFailedException') throw err;
    });
}

/**
 * The condition that `{list}Spilled` still counts `count` (uses `#{list}Spilled` and
 * `:{list}Was`); an item written before lists were divided has no count, which means 0.
 */
export function spilledCondition(list: ListName, count: number): string {
  return count === 0
    ? `(attribute_not_exists(#${list}Spilled) OR #${list}Spilled = :${list}Was)`
    : `#${list}Spilled = :${list}Was`;
}
