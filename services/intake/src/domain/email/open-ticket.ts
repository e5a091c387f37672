import type { DivisionOfWork } from '@psa/model/division-of-work';
import { mailEntry } from '@psa/model/outbox';
import type { Priority, Ticket } from '@psa/model/ticket';
import { createTicket } from '../submit-ticket.ts';
import { type AcknowledgementDecision, acknowledgementText } from './acknowledgement.ts';
import type { EmailDeps, EmailOutcome, Received } from './email-deps.ts';
import { addMessage } from './inbound-message.ts';
import { referencesOfAnswer } from './thread.ts';

/** A deterministic UUID-shaped id from a hash, so a redelivered mail recreates the same ticket. */
const idFrom = (hash: string) =>
  `${hash.slice(0, 8)}-${hash.slice(8, 12)}-5${hash.slice(13, 16)}-a${hash.slice(17, 20)}-${hash.slice(20, 32)}`;

/**
 * Open a ticket from a received mail, with its acknowledgement in the same write when one is owed
 * and the sender's hourly allowance has room. The mail is stored as the ticket's first message
 * last, after the acknowledgement was handed to the mailer.
 */
export async function openTicket(
  received: Received,
  dow: DivisionOfWork,
  ack: AcknowledgementDecision,
  deps: EmailDeps,
  requestedPriority: Priority | null = null,
  alert?: { rule: string },
): Promise<EmailOutcome> {
  const { mail, hash } = received;
  const tenantId = dow.tenantId;
  const from = mail.from!;
  const replyTo = mail.replyTo[0]?.address?.toLowerCase() ?? null;
  const supportAddress = dow.supportAddresses[0]!;
  const ackId = `ack.${idFrom(hash)}@${supportAddress.split('@')[1]}`;
  // Loop guards first (the decision), then the per-sender hourly cap; only then is one owed.
  const ackTo =
    ack.acknowledge &&
    (await deps.mail.takeAutoReply(
      tenantId,
      ack.to,
      deps.clock.now().toISOString().slice(0, 13),
      dow.emailIntake.autoRepliesPerSenderPerHour,
    ))
      ? ack.to
      : null;
  if (ackTo) await deps.messages.registerMessageId(tenantId, ackId, idFrom(hash));
  const first = (t: Ticket) => addMessage(t, received, 'message', deps, []);
  const { ticket, created } = await createTicket(
    {
      tenantId,
      id: idFrom(hash),
      subject: mail.subject.trim() || '(no subject)',
      body: mail.text,
      channel: 'email',
      requester: { email: from.address.toLowerCase(), ...(from.name ? { name: from.name } : {}) },
      requestedPriority,
      replyTo,
      ...(alert ? { alert } : {}),
      mayExist: true,
      outbox: (t) =>
        ackTo
          ? [
              mailEntry(`${t.id}:ack`, {
                from: supportAddress,
                to: ackTo,
                subject: `[${t.key}] ${t.subject}`,
                text: acknowledgementText(t, dow),
                messageId: ackId,
                ...(mail.messageId
                  ? { inReplyTo: mail.messageId, references: referencesOfAnswer(mail) }
                  : {}),
              }),
            ]
          : [],
      beforeDelivery: first,
    },
    deps,
  );
  // A redelivery found the ticket stored: its message may not be (the first try stopped between).
  if (!created) await first(ticket);
  return { tenantId, outcome: 'created', ticketId: ticket.id, acknowledged: ackTo !== null };
}
