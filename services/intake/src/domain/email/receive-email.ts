/**
 * Email intake's use case: one received mail becomes the right effect for each tenant it was
 * addressed to. The steps live beside it: ./classify.ts (loop guards), ./thread.ts (which ticket
 * it continues), ./acknowledgement.ts (whether a new ticket is acknowledged), ./open-ticket.ts,
 * ./fold-alert.ts and ./inbound-message.ts (what is stored).
 */
import { createHash } from 'node:crypto';
import { type ParseResult, parseMail } from '@psa/mime/parse';
import type { ParsedMail } from '@psa/mime/types';
import type { DivisionOfWork } from '@psa/model/division-of-work';
import { PsaError, StaleWriteError } from '@psa/model/errors';
import type { MailStore } from '@psa/model/ports';
import { SUBJECT_EXCERPT_BYTES, utf8Excerpt } from '@psa/model/ticket';
import { takeMailTicketAllowance } from '../rate-limits.ts';
import { decideAcknowledgement } from './acknowledgement.ts';
import { matchAlert } from './alerts.ts';
import { addressesToCheck, classifyMail, type MailClassification, quarantineReason } from './classify.ts';
import type { EmailDeps, EmailOutcome, Received } from './email-deps.ts';
import { foldAlert } from './fold-alert.ts';
import { addMessage } from './inbound-message.ts';
import { openTicket } from './open-ticket.ts';
import { findThread, resumeIfWaiting } from './thread.ts';

export type { EmailDeps, EmailOutcome } from './email-deps.ts';

export interface InboundEmail {
  /** Blob key of the raw MIME message (SES stored it in S3; locally the SMTP listener did). */
  rawKey: string;
  /** Envelope recipients: they, not the headers, decide the tenant. */
  recipients: string[];
  /** What the receiving server found (SES spam and virus scanning), when it scanned. */
  verdicts?: Verdicts;
  /** The envelope sender (MAIL FROM; '' for the null return path `<>`), when the server passed it on. */
  envelopeSender?: string;
}

export interface Verdicts {
  virus?: string | undefined;
  spam?: string | undefined;
}

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

/**
 * This system's addresses as far as `mail` is concerned: the tenant's own support addresses, and
 * every address the mail names (sender, answer address, X-Loop) that is another tenant's support
 * address. Mail between two tenants is then a loop like mail from oneself.
 */
async function systemAddresses(
  mail: ParsedMail,
  dow: DivisionOfWork,
  mailStore: Pick<MailStore, 'tenantForAddress'>,
  envelopeSender?: string,
): Promise<string[]> {
  const others: string[] = [];
  for (const address of addressesToCheck(mail, envelopeSender)) {
    if (await mailStore.tenantForAddress(baseAddress(address))) others.push(address);
  }
  return [...dow.supportAddresses, ...others];
}

const sha = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/**
 * Whether storing what a mail became failed for good: a store refused the record itself (a
 * ValidationError and its kin), which no retry changes. Anything else (throttling, an outage, a
 * lost race) is thrown on, so the invocation is retried and, after its retries, dead-lettered.
 */
export function isRefusal(err: unknown): err is PsaError {
  return (
    err instanceof PsaError && err.status >= 400 && err.status < 500 && !(err instanceof StaleWriteError)
  );
}

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
      await receiveForTenant(raw, input.rawKey, dow, deps, {
        ...(input.verdicts ? { verdicts: input.verdicts } : {}),
        ...(input.envelopeSender !== undefined ? { envelopeSender: input.envelopeSender } : {}),
      }),
    );
  }
  return outcomes;
}

export async function receiveForTenant(
  raw: Uint8Array,
  rawKey: string,
  dow: DivisionOfWork,
  deps: EmailDeps,
  opts: { reprocess?: boolean; verdicts?: Verdicts; envelopeSender?: string } = {},
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

  const outcome = await decide(parsed, rawKey, hash, dow, deps, opts);
  await deps.mail.recordOutcome(
    tenantId,
    hash,
    'ticketId' in outcome ? `${outcome.outcome}:${outcome.ticketId}` : outcome.outcome,
  );
  return outcome;
}

async function decide(
  parsed: ParseResult,
  rawKey: string,
  hash: string,
  dow: DivisionOfWork,
  deps: EmailDeps,
  opts: { verdicts?: Verdicts; envelopeSender?: string; reprocess?: boolean },
): Promise<EmailOutcome> {
  const { verdicts, envelopeSender } = opts;
  const tenantId = dow.tenantId;
  const quarantine = async (why: string, mail?: ParsedMail): Promise<EmailOutcome> => {
    // A refusal's message may quote the record: the entry keeps the beginning of each text.
    const reason = utf8Excerpt(why, SUBJECT_EXCERPT_BYTES);
    await deps.mail.quarantine({
      id: hash.slice(0, 20),
      tenantId,
      receivedAt: deps.clock.now().toISOString(),
      reason,
      rawKey,
      from: mail?.from?.address ? utf8Excerpt(mail.from.address, SUBJECT_EXCERPT_BYTES) : null,
      subject: mail ? utf8Excerpt(mail.subject, SUBJECT_EXCERPT_BYTES) : null,
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

  const ownAddresses = await systemAddresses(mail, dow, deps.mail, envelopeSender);
  const verdict = classifyMail(mail, ownAddresses);
  // Kept and flagged, never a ticket and never answered: that is how a mail loop ends.
  if (verdict.kind === 'own')
    return quarantine('sent from this system’s own support address (mail loop guard)', mail);

  try {
    return await store({ mail, rawKey, hash }, verdict, dow, deps, quarantine, {
      ownAddresses,
      envelopeSender,
      reprocess: opts.reprocess === true,
    });
  } catch (err) {
    // Never acknowledged and then lost: what cannot be stored is kept, with the reason.
    if (!isRefusal(err)) throw err;
    return quarantine(`could not be stored: ${err.message}`, mail);
  }
}

/** What a usable mail becomes: a note or reply on its ticket, a folded alert, or a new ticket. */
async function store(
  received: Received,
  verdict: MailClassification,
  dow: DivisionOfWork,
  deps: EmailDeps,
  quarantine: (reason: string, mail?: ParsedMail) => Promise<EmailOutcome>,
  context: { ownAddresses: string[]; envelopeSender: string | undefined; reprocess: boolean },
): Promise<EmailOutcome> {
  const { mail } = received;
  const { ownAddresses, envelopeSender } = context;
  const tenantId = dow.tenantId;
  const threadTicket = await findThread(mail, verdict.originalMessageId ?? null, tenantId, deps);
  if (verdict.kind === 'bounce' || verdict.kind === 'auto-reply') {
    if (!threadTicket) {
      return quarantine(
        `${verdict.kind} that matches no ticket (${verdict.reasons[0] ?? verdict.kind}); never opens one`,
        mail,
      );
    }
    await addMessage(threadTicket, received, verdict.kind, deps, verdict.reasons);
    return { tenantId, outcome: 'noted', ticketId: threadTicket.id };
  }

  if (threadTicket) {
    await addMessage(threadTicket, received, 'reply', deps, []);
    await resumeIfWaiting(threadTicket, mail, deps);
    return { tenantId, outcome: 'threaded', ticketId: threadTicket.id };
  }

  const alert = matchAlert(mail.from!.address, mail.subject, dow);
  const ack = decideAcknowledgement(mail, verdict, {
    alert: alert !== null,
    ownAddresses,
    ...(envelopeSender !== undefined ? { envelopeSender } : {}),
  });
  if (alert) return foldAlert(received, alert, dow, ack, deps);
  // A flood from one sender is kept, not lost: quarantined with the reason, for re-processing.
  const flooded = context.reprocess
    ? null
    : await takeMailTicketAllowance(tenantId, mail.from!.address, deps);
  if (flooded) return quarantine(flooded, mail);
  return openTicket(received, dow, ack, deps);
}
