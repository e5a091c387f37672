import { trimQuotedReply } from '@psa/mime/quote';
import type { Attachment, Ticket, TicketMessage } from '@psa/model/ticket';
import { keepMessageText } from '../ticket-text.ts';
import type { EmailDeps, Received } from './email-deps.ts';

/** Where an attachment of a ticket's message is kept in the blob store. */
export const attachmentKey = (tenantId: string, ticketId: string, attachmentId: string) =>
  `attachments/${tenantId}/${ticketId}/${attachmentId}`;

async function storeAttachments(
  ticket: Ticket,
  messageKey: string,
  received: Received,
  deps: EmailDeps,
): Promise<{ attachments: Attachment[]; notes: string[] }> {
  const notes: string[] = [];
  const attachments: Attachment[] = [];
  for (const [i, part] of received.mail.attachments.entries()) {
    const id = `${messageKey}-${i + 1}`;
    const stored = part.content !== null && !part.overLimit;
    if (stored)
      await deps.blobs.put(attachmentKey(ticket.tenantId, ticket.id, id), part.content!, part.contentType);
    else
      notes.push(
        `attachment '${part.filename}' (${part.size} bytes) is over the size limit; it is kept in the raw message`,
      );
    attachments.push({
      id,
      name: part.filename,
      contentType: part.contentType,
      size: part.size,
      inline: part.inline,
      stored,
    });
  }
  return { attachments, notes };
}

/**
 * Store a received mail as a message of `ticket`, its attachments (and its text, when longer than
 * a record keeps) in the blob store. The message id comes from the mail's hash, so storing the
 * same mail again overwrites rather than duplicates.
 */
export async function addMessage(
  ticket: Ticket,
  received: Received,
  kind: TicketMessage['kind'],
  deps: EmailDeps,
  notes: string[],
): Promise<TicketMessage> {
  const { mail, rawKey, hash } = received;
  const messageKey = hash.slice(0, 16);
  const stored = await storeAttachments(ticket, messageKey, received, deps);
  const text = await keepMessageText(
    { tenantId: ticket.tenantId, ticketId: ticket.id, messageId: messageKey },
    kind === 'reply' ? trimQuotedReply(mail.text) : mail.text,
    deps.blobs,
  );
  const message: TicketMessage = {
    id: messageKey,
    kind,
    direction: 'inbound',
    from: { email: mail.from!.address, ...(mail.from!.name ? { name: mail.from!.name } : {}) },
    sentAt: mail.date ?? deps.clock.now().toISOString(),
    receivedAt: deps.clock.now().toISOString(),
    ...text,
    attachments: stored.attachments,
    messageId: mail.messageId,
    rawKey,
    notes: [...notes, ...stored.notes],
  };
  await deps.messages.add(ticket.tenantId, ticket.id, message);
  return message;
}
