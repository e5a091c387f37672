import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '@psa/model/errors';
import type { MessageStore } from '@psa/model/ports';
import { type TicketMessage, TicketMessageSchema } from '@psa/model/ticket';
import { isConditionFailure } from './dynamo-outbox.ts';
import { lookupFirst, queryAll } from './query-all.ts';
import { keys, TABLE_INDEXES } from './table.ts';

const FIELDS = Object.keys(TicketMessageSchema.shape);

/**
 * Message-IDs longer than this are never keys: a partition key holds at most 2,048 bytes
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html), and no
 * mail client writes ids anywhere near it, so such an id threads nothing instead of failing.
 */
const MAX_MESSAGE_ID_BYTES = 1_000;
const isKeyable = (messageId: string) => Buffer.byteLength(messageId) <= MAX_MESSAGE_ID_BYTES;

/**
 * A ticket's messages live in its partition (`MSG#{sentAt}#{id}`), so reading a ticket with its
 * conversation is one query. Each Message-ID, received or sent, is findable through the sparse
 * `lookup` index, which is how replies find their ticket.
 */
export class DynamoMessageStore implements MessageStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  constructor(doc: DynamoDBDocumentClient, tableName: string) {
    this.doc = doc;
    this.tableName = tableName;
  }

  async add(tenantId: string, ticketId: string, message: TicketMessage): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.message(tenantId, ticketId, message.receivedAt, message.id),
            ...message,
            ticketId,
            ...(message.messageId && isKeyable(message.messageId)
              ? {
                  [TABLE_INDEXES.lookup.pk]: keys.messageIdLookup(tenantId, message.messageId),
                  [TABLE_INDEXES.lookup.sk]: `MSG#${ticketId}`,
                }
              : {}),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) return; // already stored: a redelivery
      // A record DynamoDB can never take (over 400 KB, a key too long) is the caller's to handle.
      if ((err as { name?: string }).name === 'ValidationException') {
        throw new ValidationError(`message ${message.id} cannot be stored: ${(err as Error).message}`, [], {
          cause: err,
        });
      }
      throw err;
    }
  }

  async list(tenantId: string, ticketId: string): Promise<TicketMessage[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :msg)',
      ExpressionAttributeValues: { ':pk': keys.ticketPartition(tenantId, ticketId), ':msg': 'MSG#' },
    });
    return items.map((item) => Object.fromEntries(FIELDS.map((f) => [f, item[f] ?? null])) as TicketMessage);
  }

  async ticketForMessageId(tenantId: string, messageId: string): Promise<string | null> {
    if (!isKeyable(messageId)) return null;
    const item = await lookupFirst(this.doc, this.tableName, keys.messageIdLookup(tenantId, messageId));
    return item ? String(item.ticketId) : null;
  }

  /** One index query per id, all at once: a Query has no batch form, and callers send few ids. */
  async ticketsForMessageIds(tenantId: string, messageIds: readonly string[]): Promise<Map<string, string>> {
    const unique = [...new Set(messageIds)];
    const found = await Promise.all(unique.map((id) => this.ticketForMessageId(tenantId, id)));
    return new Map(unique.flatMap((id, i) => (found[i] ? [[id, found[i]] as const] : [])));
  }

  async registerMessageId(tenantId: string, messageId: string, ticketId: string): Promise<void> {
    if (!isKeyable(messageId)) return;
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: keys.messageIdLookup(tenantId, messageId),
          sk: 'MID',
          ticketId,
          [TABLE_INDEXES.lookup.pk]: keys.messageIdLookup(tenantId, messageId),
          [TABLE_INDEXES.lookup.sk]: `SENT#${ticketId}`,
        },
      }),
    );
  }
}
