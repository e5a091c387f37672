import type { ParsedMail } from '@psa/mime/types';
import type { Ticket } from '@psa/model/ticket';
import { transitionTicket } from '../change-status.ts';
import type { EmailDeps } from './email-deps.ts';
import { findTicketToken } from './tokens.ts';

/**
 * How many References a thread is looked up by: the newest ones, as mail clients thread (the
 * parent is the last id, and a long thread repeats the same ticket's ids). The header itself may
 * hold thousands of ids; looking each up would let one mail hold intake for seconds.
 */
export const MAX_THREAD_REFERENCES = 20;
/** In-Reply-To names the parent (RFC 5322 3.6.4); a few ids are plenty even for odd clients. */
const MAX_IN_REPLY_TO = 4;

/**
 * The Message-IDs a mail may continue a ticket by, most telling first: In-Reply-To, the newest
 * References, then the message a bounce or auto-reply answers. At most 25, without repeats.
 */
export function threadIds(mail: ParsedMail, bouncedMessageId: string | null): string[] {
  return [
    ...new Set([
      ...mail.inReplyTo.slice(0, MAX_IN_REPLY_TO),
      ...mail.references.slice(-MAX_THREAD_REFERENCES).reverse(),
      ...(bouncedMessageId ? [bouncedMessageId] : []),
    ]),
  ];
}

/**
 * The References of an answer to `mail`: its own newest ones and its Message-ID (RFC 5322
 * 3.6.4), bounded like the lookups, so a mail with a huge header never makes a huge answer.
 */
export function referencesOfAnswer(mail: ParsedMail): string[] {
  return [...mail.references.slice(-MAX_THREAD_REFERENCES), ...(mail.messageId ? [mail.messageId] : [])];
}

/**
 * The ticket a mail continues: its token in the subject, or any Message-ID it refers to
 * ({@link threadIds}), all looked up at once.
 */
export async function findThread(
  mail: ParsedMail,
  bouncedMessageId: string | null,
  tenantId: string,
  deps: EmailDeps,
): Promise<Ticket | null> {
  const token = findTicketToken(mail.subject);
  if (token) {
    const ticket = await deps.tickets.getByNumber(tenantId, token.number);
    if (ticket && ticket.key.toUpperCase() === `${token.prefix}-${token.number}`.toUpperCase()) return ticket;
  }
  const ids = threadIds(mail, bouncedMessageId);
  if (ids.length === 0) return null;
  const found = await deps.messages.ticketsForMessageIds(tenantId, ids);
  for (const id of ids) {
    const ticketId = found.get(id);
    if (ticketId) {
      const ticket = await deps.tickets.get(tenantId, ticketId);
      if (ticket) return ticket;
    }
  }
  return null;
}

/** A requester answering a ticket that waits on them puts it back in the queue. */
export async function resumeIfWaiting(ticket: Ticket, mail: ParsedMail, deps: EmailDeps): Promise<void> {
  if (ticket.status !== 'waiting_on_customer') return;
  const sender = mail.from!.address.toLowerCase();
  const theirs = [ticket.requester.email, ticket.replyTo].filter(Boolean).map((a) => a!.toLowerCase());
  if (!theirs.includes(sender)) return;
  await transitionTicket(
    {
      tenantId: ticket.tenantId,
      ticketId: ticket.id,
      status: 'in_progress',
      note: 'requester replied by email',
      by: { role: 'requester', email: sender },
    },
    deps,
    (t) => {
      if (!t) throw new Error(`ticket ${ticket.id} vanished`);
      return t;
    },
  ).catch((err: Error) => {
    // Someone moved it meanwhile; the reply is stored either way.
    deps.logger.warn('reply did not resume the ticket', { ticketId: ticket.id, error: err.message });
  });
}
