/**
 * Adding to a ticket's conversation through the API or the portal: a public reply, an internal
 * note or a shared note. The message is an item of its own (its attachments and any text beyond
 * the excerpt in the blob store); the ticket's record then moves on in one conditional write with
 * the TicketMessageAdded event and, for a public reply by staff, the mail to the requester.
 */
import { assertTenant, type Principal } from '@psa/http/auth';
import { ValidationError } from '@psa/model/errors';
import { TicketMessageAdded, TicketStatusChanged, toBusEvent } from '@psa/model/events';
import { eventEntry, mailEntry } from '@psa/model/outbox';
import type { BlobStore, MessageStore, OutboxEntry, TenantStore } from '@psa/model/ports';
import type { Attachment, MessageVisibility, Ticket, TicketMessage } from '@psa/model/ticket';
import { assertCanRead } from '../access.ts';
import { type ChangeStatusDeps, writeWithRetry } from '../change-status.ts';
import { isOwnAddress } from '../email/classify.ts';
import { attachmentKey } from '../email/inbound-message.ts';
import { keepMessageText } from '../ticket-text.ts';
import { outgoingMessageId, publicReplyMail, requesterAddress, threadRootId } from './outgoing.ts';
import { assertCanWrite } from './visibility.ts';

export interface ConversationDeps extends ChangeStatusDeps {
  tenants: TenantStore;
  messages: MessageStore;
  blobs: BlobStore;
  /** The web app's origin, for links in mail; without it mail carries none. */
  webUrl?: string;
  newId?: () => string;
}

export interface NewAttachment {
  name: string;
  contentType: string;
  content: Uint8Array;
}

export interface AddMessageCommand {
  tenantId: string;
  ticketId: string;
  principal: Principal;
  visibility: MessageVisibility;
  text: string;
  attachments?: NewAttachment[];
}

/** The side a staff role works for, as the ticket's owner names it. */
const owns = (principal: Principal, ticket: Ticket) =>
  (principal.role === 'internal' && ticket.owner === 'internal') ||
  (principal.role === 'partner' && (ticket.owner === 'partner' || ticket.owner === 'triage'));

/**
 * Attachments take the limits email has (the tenant's `emailIntake`): each at most
 * `maxAttachmentBytes`, all together at most `maxMessageBytes`. Over a limit is refused here,
 * where the sender can still act on it, rather than kept aside as mail's are.
 */
export function checkAttachments(
  attachments: readonly NewAttachment[],
  limits: { maxAttachmentBytes: number; maxMessageBytes: number },
): void {
  const issues = attachments.flatMap((a, i) =>
    a.content.byteLength > limits.maxAttachmentBytes
      ? [
          {
            path: `body.attachments.${i}`,
            message: `'${a.name}' is ${a.content.byteLength} bytes; at most ${limits.maxAttachmentBytes}`,
          },
        ]
      : [],
  );
  const total = attachments.reduce((n, a) => n + a.content.byteLength, 0);
  if (total > limits.maxMessageBytes)
    issues.push({
      path: 'body.attachments',
      message: `${total} bytes in all; at most ${limits.maxMessageBytes}`,
    });
  if (issues.length) throw new ValidationError('attachments over the limit', issues);
}

/** Store attachments of a new message under its id; returns what its record keeps of them. */
export async function storeNewAttachments(
  where: { tenantId: string; ticketId: string; messageId: string },
  attachments: readonly NewAttachment[],
  blobs: BlobStore,
): Promise<Attachment[]> {
  const out: Attachment[] = [];
  for (const [i, a] of attachments.entries()) {
    const id = `${where.messageId}-${i + 1}`;
    await blobs.put(attachmentKey(where.tenantId, where.ticketId, id), a.content, a.contentType);
    out.push({
      id,
      name: a.name,
      contentType: a.contentType,
      size: a.content.byteLength,
      inline: false,
      stored: true,
    });
  }
  return out;
}

export async function addTicketMessage(
  cmd: AddMessageCommand,
  deps: ConversationDeps,
): Promise<{ ticket: Ticket; message: TicketMessage }> {
  const { principal, tenantId } = cmd;
  assertTenant(principal, tenantId);
  const ticket = assertCanRead(principal, tenantId, await deps.tickets.get(tenantId, cmd.ticketId));
  assertCanWrite(principal, cmd.visibility);
  const dow = await deps.tenants.getDivisionOfWork(tenantId);
  if (!dow) throw new ValidationError(`tenant ${tenantId} has no division of work`);
  const attachments = cmd.attachments ?? [];
  checkAttachments(attachments, dow.emailIntake);

  const id = `m-${(deps.newId ?? (() => crypto.randomUUID()))()}`;
  const at = deps.clock.now().toISOString();
  const where = { tenantId, ticketId: ticket.id, messageId: id };
  const fromRequester = principal.role === 'requester';
  const support = dow.supportAddresses[0]!;
  // Staff's public replies go out by mail; a requester who answers it must find the ticket again.
  const mailed =
    cmd.visibility === 'public' &&
    !fromRequester &&
    !isOwnAddress(requesterAddress(ticket), dow.supportAddresses);
  const conversation = mailed ? await deps.messages.list(tenantId, ticket.id) : [];
  const by = { role: principal.role, ...(principal.email ? { email: principal.email } : {}) };
  const message: TicketMessage = {
    id,
    kind: cmd.visibility === 'public' ? (fromRequester ? 'message' : 'reply') : 'note',
    direction: fromRequester ? 'inbound' : 'outbound',
    from: principal.email
      ? { email: principal.email, ...(principal.name ? { name: principal.name } : {}) }
      : null,
    sentAt: at,
    receivedAt: at,
    ...(await keepMessageText(where, cmd.text, deps.blobs)),
    attachments: await storeNewAttachments(where, attachments, deps.blobs),
    messageId: mailed ? outgoingMessageId(ticket, id, support) : null,
    rawKey: null,
    notes: [],
    visibility: cmd.visibility,
    author: by,
  };
  await deps.messages.add(tenantId, ticket.id, message);
  if (mailed) await deps.messages.registerMessageId(tenantId, threadRootId(ticket, support), ticket.id);

  const next = await writeWithRetry(tenantId, ticket.id, deps, (stored) => {
    const current = assertCanRead(principal, tenantId, stored);
    // The first public reply by the side that owns the ticket is its first response.
    const responds = cmd.visibility === 'public' && owns(principal, current) && !current.firstRespondedAt;
    // A requester answering a ticket that waits on them puts it back in the queue, as by email.
    const resumes = fromRequester && current.status === 'waiting_on_customer';
    const version = current.version + 1;
    const updated: Ticket = {
      ...current,
      updatedAt: at,
      firstRespondedAt: responds ? at : current.firstRespondedAt,
      ...(resumes
        ? {
            status: 'in_progress' as const,
            history: [
              ...current.history,
              {
                from: current.status,
                to: 'in_progress' as const,
                at,
                by,
                note: 'requester replied in the portal',
              },
            ],
          }
        : {}),
      version,
    };
    const entries: OutboxEntry[] = [
      eventEntry(
        `${current.id}:msg:${id}`,
        toBusEvent(TicketMessageAdded, {
          eventId: `${current.id}:msg:${id}`,
          occurredAt: at,
          tenantId,
          ticketId: current.id,
          messageId: id,
          visibility: cmd.visibility,
          by,
          owner: current.owner,
          attachments: message.attachments.length,
          at,
          ticketVersion: version,
        }),
      ),
    ];
    if (resumes) {
      const eventId = `${current.id}:v${version}`;
      entries.push(
        eventEntry(
          eventId,
          toBusEvent(TicketStatusChanged, {
            eventId,
            occurredAt: at,
            tenantId,
            ticketId: current.id,
            from: current.status,
            to: 'in_progress',
            at,
            by,
            owner: current.owner,
            ticketVersion: version,
          }),
        ),
      );
    }
    if (mailed) {
      entries.push(
        mailEntry(
          `${current.id}:mail:${id}`,
          publicReplyMail(
            current,
            dow,
            {
              messageId: message.messageId!,
              text: cmd.text,
              attachments: message.attachments.map((a) => ({
                filename: a.name,
                contentType: a.contentType,
                blobKey: attachmentKey(tenantId, current.id, a.id),
              })),
            },
            conversation,
            deps.webUrl,
          ),
        ),
      );
    }
    return { next: updated, entries };
  });
  return { ticket: next, message };
}

/** Check files sent with a new ticket against the tenant's limits, before the ticket exists. */
export async function checkRequestAttachments(
  tenantId: string,
  attachments: readonly NewAttachment[],
  deps: Pick<ConversationDeps, 'tenants'>,
): Promise<void> {
  if (attachments.length === 0) return;
  const dow = await deps.tenants.getDivisionOfWork(tenantId);
  if (dow) checkAttachments(attachments, dow.emailIntake);
}

/**
 * Keep the files a web or API request was submitted with, as the ticket's message `initial` (the
 * request itself is the ticket's body; the view shows them on it). Safe to repeat.
 */
export async function keepRequestAttachments(
  ticket: Ticket,
  attachments: readonly NewAttachment[],
  deps: Pick<ConversationDeps, 'messages' | 'blobs'>,
  id = 'initial',
): Promise<void> {
  if (attachments.length === 0) return;
  const where = { tenantId: ticket.tenantId, ticketId: ticket.id, messageId: id };
  await deps.messages.add(ticket.tenantId, ticket.id, {
    id,
    kind: 'message',
    direction: 'inbound',
    from: { email: ticket.requester.email },
    sentAt: ticket.receivedAt,
    receivedAt: ticket.receivedAt,
    text: '',
    textKey: null,
    attachments: await storeNewAttachments(where, attachments, deps.blobs),
    messageId: null,
    rawKey: null,
    notes: [],
    visibility: 'public',
  });
}
