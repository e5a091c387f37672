/**
 * Ticket and message text beyond what their records keep. A record holds the beginning of each
 * text ({@link SUBJECT_EXCERPT_BYTES}, {@link BODY_EXCERPT_BYTES}); the whole text goes to the
 * blob store first, so a mail of megabytes becomes a ticket like any other and the API still
 * returns every character. Routing and SLA read only the records.
 */
import type { BlobStore } from '@psa/model/ports';
import {
  BODY_EXCERPT_BYTES,
  SUBJECT_EXCERPT_BYTES,
  type Ticket,
  type TicketMessage,
  utf8Excerpt,
} from '@psa/model/ticket';

/** Where the full subject and body of a ticket are kept when its record holds excerpts. */
export const ticketTextKey = (tenantId: string, ticketId: string) =>
  `tickets/${tenantId}/${ticketId}/text.json`;

/** Where the full text of one of a ticket's messages is kept when its record holds an excerpt. */
export const messageTextKey = (tenantId: string, ticketId: string, messageId: string) =>
  `tickets/${tenantId}/${ticketId}/messages/${messageId}.txt`;

/**
 * The subject and body a new ticket's record keeps, after storing the full text when either is
 * over its excerpt. Safe to repeat: the blob's key and content follow from the ticket and its text.
 */
export async function keepTicketText(
  text: { tenantId: string; id: string; subject: string; body: string },
  blobs: BlobStore,
): Promise<Pick<Ticket, 'subject' | 'body' | 'fullTextKey'>> {
  const subject = utf8Excerpt(text.subject, SUBJECT_EXCERPT_BYTES);
  const body = utf8Excerpt(text.body, BODY_EXCERPT_BYTES);
  if (subject === text.subject && body === text.body) return { subject, body, fullTextKey: null };
  const key = ticketTextKey(text.tenantId, text.id);
  await blobs.put(key, JSON.stringify({ subject: text.subject, body: text.body }), 'application/json');
  return { subject, body, fullTextKey: key };
}

/** A ticket's whole subject and body: its own fields, or the blob they were cut from. */
export async function fullTicketText(
  ticket: Pick<Ticket, 'subject' | 'body' | 'fullTextKey'>,
  blobs: BlobStore,
): Promise<{ subject: string; body: string }> {
  if (!ticket.fullTextKey) return { subject: ticket.subject, body: ticket.body };
  const stored = await blobs.get(ticket.fullTextKey);
  if (!stored) throw new Error(`the full text of a ticket is missing at ${ticket.fullTextKey}`);
  return JSON.parse(new TextDecoder().decode(stored)) as { subject: string; body: string };
}

/** The text a message's record keeps, after storing the whole when it is over the excerpt. */
export async function keepMessageText(
  where: { tenantId: string; ticketId: string; messageId: string },
  text: string,
  blobs: BlobStore,
): Promise<Pick<TicketMessage, 'text' | 'textKey'>> {
  const excerpt = utf8Excerpt(text, BODY_EXCERPT_BYTES);
  if (excerpt === text) return { text, textKey: null };
  const key = messageTextKey(where.tenantId, where.ticketId, where.messageId);
  await blobs.put(key, text, 'text/plain; charset=utf-8');
  return { text: excerpt, textKey: key };
}

/** A message's whole text. */
export async function fullMessageText(message: TicketMessage, blobs: BlobStore): Promise<string> {
  if (!message.textKey) return message.text;
  const stored = await blobs.get(message.textKey);
  if (!stored) throw new Error(`the full text of a message is missing at ${message.textKey}`);
  return new TextDecoder().decode(stored);
}
