import type { DivisionOfWork } from '@psa/model/division-of-work';
import { TicketAlertFolded, toBusEvent } from '@psa/model/events';
import { eventEntry } from '@psa/model/outbox';
import { isOpenStatus, type Ticket } from '@psa/model/ticket';
import { writeWithRetry } from '../change-status.ts';
import type { AcknowledgementDecision } from './acknowledgement.ts';
import { alertSeverity, type matchAlert } from './alerts.ts';
import type { EmailDeps, EmailOutcome, Received } from './email-deps.ts';
import { addMessage } from './inbound-message.ts';
import { openTicket } from './open-ticket.ts';

type Alert = NonNullable<ReturnType<typeof matchAlert>>;

/**
 * Monitoring mail matching an alert rule folds into the open ticket of the same key while the
 * rule's window lasts; otherwise it opens a ticket at the alert's own severity.
 */
export async function foldAlert(
  received: Received,
  alert: Alert,
  dow: DivisionOfWork,
  ack: AcknowledgementDecision,
  deps: EmailDeps,
): Promise<EmailOutcome> {
  const now = deps.clock.now();
  const previous = await deps.mail.getAlert(dow.tenantId, alert.key);
  if (previous && now.getTime() - Date.parse(previous.lastAt) <= alert.rule.windowMinutes * 60_000) {
    const ticket = await deps.tickets.get(dow.tenantId, previous.ticketId);
    if (ticket && isOpenStatus(ticket.status)) {
      await addMessage(ticket, received, 'alert-repeat', deps, []);
      await bumpOccurrences(ticket, deps);
      await deps.mail.putAlert(dow.tenantId, alert.key, ticket.id, now.toISOString());
      return { tenantId: dow.tenantId, outcome: 'folded', ticketId: ticket.id };
    }
  }
  const opened = await openTicket(received, dow, ack, deps, alertSeverity(received.mail.subject), {
    rule: alert.rule.id,
  });
  if ('ticketId' in opened)
    await deps.mail.putAlert(dow.tenantId, alert.key, opened.ticketId, now.toISOString());
  return opened;
}

/**
 * One more occurrence of the alert, with the same optimistic retry as every ticket write, and a
 * TicketAlertFolded event in the same write so reporting's alert quality counts it.
 */
async function bumpOccurrences(ticket: Ticket, deps: EmailDeps): Promise<void> {
  await writeWithRetry(ticket.tenantId, ticket.id, deps, (current) => {
    if (!current) throw new Error(`ticket ${ticket.id} vanished`);
    const at = deps.clock.now().toISOString();
    const occurrences = current.occurrences + 1;
    const eventId = `${current.id}:folded:${occurrences}`;
    return {
      next: { ...current, occurrences, updatedAt: at, version: current.version + 1 },
      entries: [
        eventEntry(
          eventId,
          toBusEvent(TicketAlertFolded, {
            eventId,
            occurredAt: at,
            tenantId: current.tenantId,
            ticketId: current.id,
            occurrences,
            at,
            ticketVersion: current.version + 1,
          }),
        ),
      ],
    };
  });
}
