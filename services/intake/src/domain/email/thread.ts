import type { ParsedMail } from '@psa/mime/types';
import type { Ticket } from '@psa/model/ticket';
import { transitionTicket } from '../change-status.ts';
import type { EmailDeps } from './email-deps.ts';
import { findTicketToken } from './tokens.ts';

/**
 * The ticket a mail continues: its token in the subject, or any Message-ID it refers to
 * (In-Reply-To, References newest first, then the message a bounce or auto-reply answers).
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
  const ids = [
    ...mail.inReplyTo,
    ...[...mail.references].reverse(),
    ...(bouncedMessageId ? [bouncedMessageId] : []),
  ];
  for (const id of ids) {
    const ticketId = await deps.messages.ticketForMessageId(tenantId, id);
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
