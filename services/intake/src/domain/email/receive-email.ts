import { createHash } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type ParsedMail, parseMail } from '@psa/mime/parse';
import { trimQuotedReply } from '@psa/mime/quote';
import type { Clock } from '@psa/model/clock';
import type { DivisionOfWork } from '@psa/model/division-of-work';
import { mailEntry, type OutboxDeps } from '@psa/model/outbox';
import type { BlobStore, MailStore, MessageStore, TenantStore, TicketStore } from '@psa/model/ports';
import {
  type Attachment,
  isOpenStatus,
  type Priority,
  type Ticket,
  type TicketMessage,
} from '@psa/model/ticket';
import { transitionTicket, writeWithRetry } from '../change-status.ts';
import { createTicket } from '../submit-ticket.ts';
import { alertSeverity, matchAlert } from './alerts.ts';
import { classifyMail, quarantineReason } from './classify.ts';
import { findTicketToken } from './tokens.ts';

export interface EmailDeps extends OutboxDeps {
  tickets: TicketStore;
  tenants: TenantStore;
  messages: MessageStore;
  mail: MailStore;
  blobs: BlobStore;
  clock: Clock;
  logger: Pick<Logger, 'warn' | 'info'>;
}

export interface InboundEmail {
  /** Blob key of the raw MIME message (SES stored it in S3; locally the SMTP listener did). */
  rawKey: string;
  /** Envelope recipients: they, not the headers, decide the tenant. */
  recipients: string[];
  /** What the receiving server found (SES spam and virus scanning), when it scanned. */
  verdicts?: Verdicts;
}

export interface Verdicts {
  virus?: string | undefined;
  spam?: string | undefined;
}

export type EmailOutcome =
  | { tenantId: string; outcome: 'created'; ticketId: string; acknowledged: boolean }
  | { tenantId: string; outcome: 'threaded' | 'folded' | 'noted'; ticketId: string }
  | { tenantId: string; outcome: 'duplicate'; previous: string | null }
  | { tenantId: string; outcome: 'quarantined'; reason: string };

/** `support+billing@acme.example` is `support@acme.example`. */
export function baseAddress(address: string): string {
  const [local = '', domain = ''] = address.trim().toLowerCase().split('@');
  return `${local.split('+')[0]}@${domain}`;
}

export async function tenantsForRecipients(recipients: string[], mail: MailStore): Promise<string[]> {
  const tenants = new Set<string>();
  for (const r of recipients) {
    const tenant = await mail.tenantForAddress(baseAddress(r));
    if (tenant) tenants.add(tenant);
  }
  return [...tenants];
}

const sha = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/** A deterministic UUID-shaped id from a hash, so a redelivered mail recreates the same ticket. */
const idFrom = (hash: string) =>
  `${hash.slice(0, 8)}-${hash.slice(8, 12)}-5${hash.slice(13, 16)}-a${hash.slice(17, 20)}-${hash.slice(20, 32)}`;

/**
 * Turn one received email into the right effect for each tenant it was addressed to: a new
 * ticket (acknowledged unless a loop guard says no), a reply on its ticket, a note (bounce or
 * auto-reply), a folded alert repeat, or a quarantine entry. The raw message is kept whatever
 * happens. Safe to run twice on the same message: the second run changes nothing.
 */
export async function receiveEmail(input: InboundEmail, deps: EmailDeps): Promise<EmailOutcome[]> {
  const raw = await deps.blobs.get(input.rawKey);
  if (!raw) throw new Error(`raw message ${input.rawKey} not found`); // retried, never dropped
  const tenants = await tenantsForRecipients(input.recipients, deps.mail);
  if (tenants.length === 0) {
    deps.logger.warn('mail for no known support address: no ticket', {
      rawKey: input.rawKey,
      recipients: input.recipients,
    });
    return [];
  }
  const outcomes: EmailOutcome[] = [];
  for (const tenantId of tenants) {
    const dow = await deps.tenants.getDivisionOfWork(tenantId);
    if (!dow) continue;
    outcomes.push(
      await receiveForTenant(
        raw,
        input.rawKey,
        dow,
        deps,
        input.verdicts ? { verdicts: input.verdicts } : {},
      ),
    );
  }
  return outcomes;
}

export async function receiveForTenant(
  raw: Uint8Array,
  rawKey: string,
  dow: DivisionOfWork,
  deps: EmailDeps,
  opts: { reprocess?: boolean; verdicts?: Verdicts } = {},
): Promise<EmailOutcome> {
  const tenantId = dow.tenantId;
  const parsed = await parseMail(raw, {
    maxMessageBytes: dow.emailIntake.maxMessageBytes,
    maxAttachmentBytes: dow.emailIntake.maxAttachmentBytes,
  });
  const hash =
    parsed.ok && parsed.mail.messageId ? sha(`mid:${parsed.mail.messageId.toLowerCase()}`) : sha(raw);
  const seen = await deps.mail.markSeen(tenantId, hash);
  // A duplicate delivery changes nothing; an operator's re-process of a quarantined mail runs again.
  if (!seen.first && seen.outcome && !(opts.reprocess && seen.outcome === 'quarantined')) {
    return { tenantId, outcome: 'duplicate', previous: seen.outcome };
  }

  const outcome = await decide(parsed, raw, rawKey, hash, dow, deps, opts.verdicts);
  await deps.mail.recordOutcome(
    tenantId,
    hash,
    'ticketId' in outcome ? `${outcome.outcome}:${outcome.ticketId}` : outcome.outcome,
  );
  return outcome;
}

async function decide(
  parsed: Awaited<ReturnType<typeof parseMail>>,
  raw: Uint8Array,
  rawKey: string,
  hash: string,
  dow: DivisionOfWork,
  deps: EmailDeps,
  verdicts?: Verdicts,
): Promise<EmailOutcome> {
  const tenantId = dow.tenantId;
  const quarantine = async (reason: string, mail?: ParsedMail): Promise<EmailOutcome> => {
    await deps.mail.quarantine({
      id: hash.slice(0, 20),
      tenantId,
      receivedAt: deps.clock.now().toISOString(),
      reason,
      rawKey,
      from: mail?.from?.address ?? null,
      subject: mail?.subject ?? null,
      status: 'quarantined',
    });
    deps.logger.warn('mail quarantined', { tenantId, rawKey, reason });
    return { tenantId, outcome: 'quarantined', reason };
  };
  if (!parsed.ok) return quarantine(parsed.reason);
  const mail = parsed.mail;
  const unusable = quarantineReason(mail);
  if (unusable || !mail.from) return quarantine(unusable ?? 'no sender address', mail);
  if (verdicts?.virus === 'FAIL') return quarantine('the receiving mail server found a virus in it', mail);

  const verdict = classifyMail(mail, dow.supportAddresses);
  // Kept and flagged, never a ticket and never answered: that is how a mail loop ends.
  if (verdict.kind === 'own')
    return quarantine('sent from this system’s own support address (mail loop guard)', mail);

  const threadTicket = await findThread(mail, verdict.originalMessageId ?? null, dow, deps);
  if (verdict.kind === 'bounce' || verdict.kind === 'auto-reply') {
    if (!threadTicket) {
      return quarantine(
        `${verdict.kind} that matches no ticket (${verdict.reasons[0] ?? verdict.kind}); never opens one`,
        mail,
      );
    }
    await addMessage(threadTicket, mail, raw, rawKey, hash, verdict.kind, deps, verdict.reasons);
    return { tenantId, outcome: 'noted', ticketId: threadTicket.id };
  }

  if (threadTicket) {
    await addMessage(threadTicket, mail, raw, rawKey, hash, 'reply', deps, []);
    await resumeIfWaiting(threadTicket, mail, deps);
    return { tenantId, outcome: 'threaded', ticketId: threadTicket.id };
  }

  const alert = await foldAlert(mail, raw, rawKey, hash, dow, deps);
  if (alert) return alert;

  return openTicket(mail, raw, rawKey, hash, dow, verdict.noAutoReply, deps);
}

/** The ticket this mail continues: its token in the subject, or any Message-ID it refers to. */
async function findThread(
  mail: ParsedMail,
  bouncedMessageId: string | null,
  dow: DivisionOfWork,
  deps: EmailDeps,
): Promise<Ticket | null> {
  const token = findTicketToken(mail.subject);
  if (token) {
    const ticket = await deps.tickets.getByNumber(dow.tenantId, token.number);
    if (ticket && ticket.key.toUpperCase() === `${token.prefix}-${token.number}`.toUpperCase()) return ticket;
  }
  const ids = [
    ...mail.inReplyTo,
    ...[...mail.references].reverse(),
    ...(bouncedMessageId ? [bouncedMessageId] : []),
  ];
  for (const id of ids) {
    const ticketId = await deps.messages.ticketForMessageId(dow.tenantId, id);
    if (ticketId) {
      const ticket = await deps.tickets.get(dow.tenantId, ticketId);
      if (ticket) return ticket;
    }
  }
  return null;
}

async function storeAttachments(
  tenantId: string,
  ticketId: string,
  messageKey: string,
  mail: ParsedMail,
  deps: EmailDeps,
): Promise<{ attachments: Attachment[]; notes: string[] }> {
  const notes: string[] = [];
  const attachments: Attachment[] = [];
  for (const [i, part] of mail.attachments.entries()) {
    const id = `${messageKey}-${i + 1}`;
    const stored = part.content !== null && !part.overLimit;
    if (stored) await deps.blobs.put(attachmentKey(tenantId, ticketId, id), part.content!, part.contentType);
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

export const attachmentKey = (tenantId: string, ticketId: string, attachmentId: string) =>
  `attachments/${tenantId}/${ticketId}/${attachmentId}`;

async function addMessage(
  ticket: Ticket,
  mail: ParsedMail,
  _raw: Uint8Array,
  rawKey: string,
  hash: string,
  kind: TicketMessage['kind'],
  deps: EmailDeps,
  notes: string[],
): Promise<TicketMessage> {
  const messageKey = hash.slice(0, 16);
  const stored = await storeAttachments(ticket.tenantId, ticket.id, messageKey, mail, deps);
  const message: TicketMessage = {
    id: messageKey,
    kind,
    direction: 'inbound',
    from: { email: mail.from!.address, ...(mail.from!.name ? { name: mail.from!.name } : {}) },
    sentAt: mail.date ?? deps.clock.now().toISOString(),
    receivedAt: deps.clock.now().toISOString(),
    text: kind === 'reply' ? trimQuotedReply(mail.text) : mail.text,
    attachments: stored.attachments,
    messageId: mail.messageId,
    rawKey,
    notes: [...notes, ...stored.notes],
  };
  await deps.messages.add(ticket.tenantId, ticket.id, message);
  return message;
}

/** A requester answering a ticket that waits on them puts it back in the queue. */
async function resumeIfWaiting(ticket: Ticket, mail: ParsedMail, deps: EmailDeps): Promise<void> {
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

/** Monitoring mail matching an alert rule folds into the open ticket of the same key. */
async function foldAlert(
  mail: ParsedMail,
  raw: Uint8Array,
  rawKey: string,
  hash: string,
  dow: DivisionOfWork,
  deps: EmailDeps,
): Promise<EmailOutcome | null> {
  const alert = matchAlert(mail.from!.address, mail.subject, dow);
  if (!alert) return null;
  const now = deps.clock.now();
  const previous = await deps.mail.getAlert(dow.tenantId, alert.key);
  if (previous && now.getTime() - Date.parse(previous.lastAt) <= alert.rule.windowMinutes * 60_000) {
    const ticket = await deps.tickets.get(dow.tenantId, previous.ticketId);
    if (ticket && isOpenStatus(ticket.status)) {
      await addMessage(ticket, mail, raw, rawKey, hash, 'alert-repeat', deps, []);
      await bumpOccurrences(ticket, deps);
      await deps.mail.putAlert(dow.tenantId, alert.key, ticket.id, now.toISOString());
      return { tenantId: dow.tenantId, outcome: 'folded', ticketId: ticket.id };
    }
  }
  const opened = await openTicket(mail, raw, rawKey, hash, dow, true, deps, alertSeverity(mail.subject));
  if ('ticketId' in opened)
    await deps.mail.putAlert(dow.tenantId, alert.key, opened.ticketId, now.toISOString());
  return opened;
}

/** One more occurrence of the alert, with the same optimistic retry as every ticket write. */
async function bumpOccurrences(ticket: Ticket, deps: EmailDeps): Promise<void> {
  await writeWithRetry(ticket.tenantId, ticket.id, deps, (current) => {
    if (!current) throw new Error(`ticket ${ticket.id} vanished`);
    return {
      next: {
        ...current,
        occurrences: current.occurrences + 1,
        updatedAt: deps.clock.now().toISOString(),
        version: current.version + 1,
      },
      entries: [],
    };
  });
}

async function openTicket(
  mail: ParsedMail,
  raw: Uint8Array,
  rawKey: string,
  hash: string,
  dow: DivisionOfWork,
  noAutoReply: boolean,
  deps: EmailDeps,
  requestedPriority: Priority | null = null,
): Promise<EmailOutcome> {
  const tenantId = dow.tenantId;
  const from = mail.from!;
  const replyTo = mail.replyTo[0]?.address?.toLowerCase() ?? null;
  const answerTo = replyTo ?? from.address.toLowerCase();
  const supportAddress = dow.supportAddresses[0]!;
  const ackId = `ack.${idFrom(hash)}@${supportAddress.split('@')[1]}`;
  // Loop guards first, then the per-sender hourly cap; only then is an acknowledgement owed.
  const acknowledge =
    !noAutoReply &&
    (await deps.mail.takeAutoReply(
      tenantId,
      answerTo,
      deps.clock.now().toISOString().slice(0, 13),
      dow.emailIntake.autoRepliesPerSenderPerHour,
    ));
  if (acknowledge) await deps.messages.registerMessageId(tenantId, ackId, idFrom(hash));
  const { ticket } = await createTicket(
    {
      tenantId,
      id: idFrom(hash),
      subject: mail.subject.trim() || '(no subject)',
      body: mail.text,
      channel: 'email',
      requester: { email: from.address.toLowerCase(), ...(from.name ? { name: from.name } : {}) },
      requestedPriority,
      replyTo,
      outbox: (t) =>
        acknowledge
          ? [
              mailEntry(`${t.id}:ack`, {
                from: supportAddress,
                to: answerTo,
                subject: `[${t.key}] ${t.subject}`,
                text: acknowledgement(t, dow),
                messageId: ackId,
                ...(mail.messageId
                  ? { inReplyTo: mail.messageId, references: [...mail.references, mail.messageId] }
                  : {}),
              }),
            ]
          : [],
    },
    deps,
  );
  await addMessage(ticket, mail, raw, rawKey, hash, 'message', deps, []);
  return { tenantId, outcome: 'created', ticketId: ticket.id, acknowledged: acknowledge };
}

function acknowledgement(t: Ticket, dow: DivisionOfWork): string {
  return [
    `Hello${t.requester.name ? ` ${t.requester.name}` : ''},`,
    '',
    `We received your request and opened ticket ${t.key}: "${t.subject}".`,
    `Reply to this email to add to it; keep [${t.key}] in the subject.`,
    '',
    `${dow.name} IT support`,
  ].join('\n');
}
