/**
 * The mail a public reply becomes (pure): to the requester (or their Reply-To), from the
 * tenant's first support address, with the ticket token in the subject and threading headers, so
 * the requester's mail client shows one thread and their answer finds the ticket again. The
 * reply's files go with it as attachments (read from the bucket when the mail is sent).
 */
import type { DivisionOfWork } from '@psa/model/division-of-work';
import type { MailAttachmentRef, OutgoingMail } from '@psa/model/ports';
import type { Ticket, TicketMessage } from '@psa/model/ticket';

/** As many References as email intake looks a thread up by (../email/thread.ts). */
const MAX_THREAD_REFERENCES = 20;

const domainOf = (address: string) => address.split('@')[1] ?? 'localhost';

/**
 * A ticket's thread root: a Message-ID no mail carries, named in every mail the system sends about
 * the ticket, so even a web ticket's first reply has a thread to belong to.
 */
export const threadRootId = (ticket: Pick<Ticket, 'id'>, supportAddress: string) =>
  `ticket.${ticket.id}@${domainOf(supportAddress)}`;

/** The Message-ID of a message this system sends. */
export const outgoingMessageId = (ticket: Pick<Ticket, 'id'>, messageId: string, supportAddress: string) =>
  `reply.${ticket.id}.${messageId}@${domainOf(supportAddress)}`;

/** The subject of mail about a ticket: its token first, then its subject. */
export const ticketSubject = (ticket: Pick<Ticket, 'key' | 'subject'>) => `[${ticket.key}] ${ticket.subject}`;

/**
 * In-Reply-To and References for a new mail on the ticket: the root, then the newest Message-IDs
 * of the conversation (bounded), parent last.
 */
export function threadHeaders(
  ticket: Pick<Ticket, 'id'>,
  conversation: readonly Pick<TicketMessage, 'messageId'>[],
  supportAddress: string,
): { inReplyTo: string; references: string[] } {
  const root = threadRootId(ticket, supportAddress);
  const ids = conversation.flatMap((m) => (m.messageId && m.messageId !== root ? [m.messageId] : []));
  const references = [root, ...ids.slice(-(MAX_THREAD_REFERENCES - 1))];
  return { inReplyTo: references.at(-1)!, references };
}

/** Where answers to the requester go. */
export const requesterAddress = (ticket: Pick<Ticket, 'requester' | 'replyTo'>) =>
  ticket.replyTo ?? ticket.requester.email;

export function publicReplyMail(
  ticket: Ticket,
  dow: DivisionOfWork,
  reply: { messageId: string; text: string; attachments: MailAttachmentRef[] },
  conversation: readonly Pick<TicketMessage, 'messageId'>[],
  webUrl: string | undefined,
): OutgoingMail {
  const from = dow.supportAddresses[0]!;
  return {
    from,
    to: requesterAddress(ticket),
    subject: `Re: ${ticketSubject(ticket)}`,
    text: [
      reply.text,
      '',
      '--',
      `Reply to this email to answer; keep [${ticket.key}] in the subject.`,
      ...(webUrl ? [`Or follow the ticket at ${webUrl}/`] : []),
      `${dow.name} IT support`,
    ].join('\n'),
    messageId: reply.messageId,
    ...threadHeaders(ticket, conversation, from),
    ...(reply.attachments.length ? { attachments: reply.attachments } : {}),
  };
}
