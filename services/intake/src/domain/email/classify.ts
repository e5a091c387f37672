/**
 * Loop guards and the kind of an incoming message (pure).
 *
 * kind:
 * - 'own'        sent by one of the system's own addresses (plus-addressed forms included): a loop;
 * - 'bounce'     a delivery failure / delay report (DSN, mailer-daemon, "Undeliverable:" ...);
 * - 'auto-reply' an automatic answer (RFC 3834 Auto-Submitted: auto-replied, X-Autoreply,
 *                out-of-office subjects, read receipts);
 * - 'list'       list or bulk mail (List-Id, List-Unsubscribe, Precedence: bulk|junk|list);
 * - 'normal'     anything else.
 * Bounces and auto-replies never open a ticket (the caller attaches them as a note to the ticket
 * `originalMessageId` / inReplyTo points at); 'own' is dropped. `noAutoReply` is true whenever
 * the system must not send an acknowledgement, which includes 'normal' mail carrying a guard such
 * as Auto-Submitted: auto-generated (monitoring alerts may still open tickets) or a no-reply sender.
 */
import type { MailAddress, ParsedMail } from '@psa/mime/types';

export type MailKind = 'normal' | 'auto-reply' | 'bounce' | 'list' | 'own';

export type MailClassification = {
  kind: MailKind;
  noAutoReply: boolean;
  reasons: string[];
  /** For bounces and auto-replies: the Message-ID of the message they answer, when known. */
  originalMessageId: string | null;
};

const DAEMON_LOCAL = /^(mailer-daemon|mailerdaemon|postmaster|mail-daemon|maildaemon)$/i;
const NO_REPLY_LOCAL =
  /^(no[-_.]?reply|do[-_.]?not[-_.]?reply|dont[-_.]?reply|noreply[-_.].*|no[-_.]?reply[-_.].*|.*[-_.]no[-_.]?reply|bounces?|bounce[-+].*|.*-bounces?(\+.*)?)$/i;

const BOUNCE_SUBJECT =
  /^\s*(undeliverable|undelivered mail|undeliverable mail|delivery status notification|mail delivery failed|mail delivery failure|delivery failure|delivery has failed|failure notice|returned mail|non[- ]?delivery|nondeliverable|message not delivered|delivery notification|warning: could not send message|unzustellbar|nicht zustellbar|non remis|non distribuibile|no se puede entregar|onbestelbaar|olevererbart|mail system error|delivery report)\b/i;

const AUTO_REPLY_SUBJECT =
  /^\s*(automatic reply|auto(?:matic)?[ -]?(?:reply|response)|autoreply|auto|out of (?:the )?office(?: autoreply| reply)?|automatische antwort|abwesenheit(?:snotiz)?|abwesend|r[ée]ponse automatique|absent|absence|respuesta autom[aá]tica|fuera de la oficina|risposta automatica|fuori sede|automatisch antwoord|afwezig|autosvar|automatisk svar|fr[aå]nvarande|poza biurem|odpowied[zź] automatyczna|vacation(?: reply)?|on vacation|away from (?:the )?office)\s*:/i;
const AUTO_REPLY_SUBJECT_LOOSE =
  /^\s*(out of (?:the )?office|automatic reply|auto-?reply|abwesenheitsnotiz)\b/i;
const READ_RECEIPT_SUBJECT = /^\s*(read|gelesen|lu|le[ií]do|letto|gelezen|l[aä]st)\s*:/i;

function localPart(address: string): string {
  return (address.split('@')[0] ?? '').trim();
}

function canonical(address: string): { local: string; domain: string } {
  const at = address.lastIndexOf('@');
  const local = (at >= 0 ? address.slice(0, at) : address).trim().toLowerCase();
  const domain = (at >= 0 ? address.slice(at + 1) : '').trim().toLowerCase().replace(/\.$/, '');
  return { local: local.split('+')[0] ?? local, domain };
}

/**
 * Whether `address` is one of `own`: case-insensitive, plus-addressing ignored
 * (support+acme-42@x.com is support@x.com); an entry '@x.com' or '*@x.com' matches the whole domain.
 */
export function isOwnAddress(address: string | null | undefined, own: readonly string[]): boolean {
  if (!address) return false;
  const a = canonical(address);
  if (!a.domain) return false;
  return own.some((entry) => {
    const e = entry.trim().toLowerCase();
    if (!e) return false;
    if (e.startsWith('@') || e.startsWith('*@')) return a.domain === e.slice(e.indexOf('@') + 1);
    const o = canonical(e);
    return o.domain === a.domain && o.local === a.local;
  });
}

/** The longest address SMTP carries (RFC 5321 section 4.5.3.1.3: a path of 256 octets, less `<>`). */
const MAX_ADDRESS_LENGTH = 254;

/**
 * The addresses a mail names as its sender or answer address (From, Sender, Reply-To, X-Loop, and
 * the envelope sender), lower-cased, without duplicates, each short enough to be a real address:
 * the ones to check against every tenant's support addresses, so that mail from another tenant of
 * this system counts as the system's own (two tenants must never answer each other in a loop).
 */
export function addressesToCheck(mail: ParsedMail, envelopeSender?: string): string[] {
  const found = [
    mail.from?.address,
    mail.sender?.address,
    ...mail.replyTo.map((a) => a.address),
    ...mail.headerList.filter((h) => h.name === 'x-loop').map((h) => h.value.replace(/[<>]/g, '')),
    envelopeSender?.replace(/[<>]/g, ''),
  ];
  return [
    ...new Set(
      found
        .map((a) => a?.trim().toLowerCase() ?? '')
        .filter((a) => a.includes('@') && a.length <= MAX_ADDRESS_LENGTH),
    ),
  ];
}

function headerValue(mail: ParsedMail, name: string): string | null {
  return mail.headerList.find((h) => h.name === name)?.value ?? null;
}

/** Message-ID of the message a bounce or auto-reply answers, best source first. */
export function findOriginalMessageId(mail: ParsedMail): string | null {
  if (mail.deliveryReport?.originalMessageId) return mail.deliveryReport.originalMessageId;
  const embedded = mail.embedded.find((e) => e.messageId);
  if (embedded?.messageId) return embedded.messageId;
  // bounces that quote the original headers in their text (Exim, qmail, Postfix without DSN)
  const quoted = /^[ \t>]*Message-ID:[ \t]*<([^<>\s]+)>/im.exec(mail.text);
  if (quoted?.[1] && quoted[1] !== mail.messageId) return quoted[1];
  const originalHeader =
    headerValue(mail, 'x-original-message-id') ?? headerValue(mail, 'original-message-id');
  const fromHeader = originalHeader ? /<?([^<>\s]+@[^<>\s]+)>?/.exec(originalHeader)?.[1] : null;
  if (fromHeader) return fromHeader;
  return mail.inReplyTo[0] ?? mail.references[mail.references.length - 1] ?? null;
}

export function classifyMail(mail: ParsedMail, ownAddresses: readonly string[]): MailClassification {
  const reasons: string[] = [];
  const h = mail.headers;
  const fromAddress = mail.from?.address ?? '';
  const senderAddresses = [mail.from, mail.sender].filter((a): a is MailAddress => !!a).map((a) => a.address);
  const subject = mail.subject;

  // own address: a loop through ourselves
  let own = senderAddresses.some((a) => isOwnAddress(a, ownAddresses));
  if (own) reasons.push(`sent from the system's own address ${fromAddress || mail.sender?.address}`);
  const loop = mail.headerList
    .filter((x) => x.name === 'x-loop')
    .map((x) => x.value.replace(/[<>]/g, '').trim())
    .find((v) => isOwnAddress(v, ownAddresses));
  if (loop) {
    own = true;
    reasons.push(`X-Loop: ${loop} (this system)`);
  }

  // delivery reports and bounces
  let bounce = false;
  let readReceipt = false;
  if (h.isDeliveryReport) {
    const type = mail.deliveryReport?.reportType ?? h.reportType;
    if (type === 'disposition-notification') {
      readReceipt = true;
      reasons.push('disposition notification (read receipt)');
    } else {
      bounce = true;
      reasons.push(`delivery status notification${type ? ` (report-type=${type})` : ''}`);
    }
  }
  const daemon = senderAddresses.some((a) => DAEMON_LOCAL.test(localPart(a)));
  if (daemon)
    reasons.push(`sender ${senderAddresses.find((a) => DAEMON_LOCAL.test(localPart(a)))} is a mail system`);
  if (h.xFailedRecipients.length) {
    bounce = true;
    reasons.push(`X-Failed-Recipients: ${h.xFailedRecipients.join(', ')}`);
  }
  if (BOUNCE_SUBJECT.test(subject)) {
    bounce = true;
    reasons.push(`bounce subject "${subject.slice(0, 80)}"`);
  }
  if (daemon && /^mailer-?daemon$/i.test(localPart(fromAddress))) bounce = true;
  if (daemon && !bounce && (h.returnPath === '<>' || h.returnPath === '')) bounce = true;

  // automatic replies (RFC 3834 and the de-facto headers)
  let autoReply = readReceipt;
  const autoSubmitted = h.autoSubmitted?.toLowerCase().split(/[;\s]/)[0] ?? null;
  if (autoSubmitted && autoSubmitted !== 'no') {
    reasons.push(`Auto-Submitted: ${h.autoSubmitted}`);
    if (autoSubmitted === 'auto-replied') autoReply = true;
  }
  if (h.xAutoreply && !/^(no|false|0)$/i.test(h.xAutoreply)) {
    autoReply = true;
    reasons.push(`X-Autoreply: ${h.xAutoreply}`);
  }
  if (h.xAutorespond && !/^(no|false|0)$/i.test(h.xAutorespond)) {
    autoReply = true;
    reasons.push(`X-Autorespond: ${h.xAutorespond}`);
  }
  if (h.xAutoGenerated && !/^(no|false|0)$/i.test(h.xAutoGenerated)) {
    reasons.push(`X-AutoGenerated: ${h.xAutoGenerated}`);
  }
  const suppress = h.xAutoResponseSuppress ?? '';
  if (/\b(all|oof|autoreply)\b/i.test(suppress)) reasons.push(`X-Auto-Response-Suppress: ${suppress}`);
  if (AUTO_REPLY_SUBJECT.test(subject) || AUTO_REPLY_SUBJECT_LOOSE.test(subject)) {
    autoReply = true;
    reasons.push(`auto-reply subject "${subject.slice(0, 80)}"`);
  }
  if (
    READ_RECEIPT_SUBJECT.test(subject) &&
    (h.isDeliveryReport || headerValue(mail, 'x-ms-exchange-messagesentrepresentingtype'))
  ) {
    autoReply = true;
  }
  const precedence = h.precedence?.toLowerCase().trim() ?? '';
  if (precedence === 'auto_reply' || precedence === 'auto-reply') {
    autoReply = true;
    reasons.push(`Precedence: ${h.precedence}`);
  }

  // list and bulk mail
  let list = false;
  if (['bulk', 'junk', 'list'].includes(precedence)) {
    list = true;
    reasons.push(`Precedence: ${h.precedence}`);
  }
  if (h.listId) {
    list = true;
    reasons.push(`List-Id: ${h.listId}`);
  }
  if (h.listUnsubscribe) {
    list = true;
    reasons.push('List-Unsubscribe present');
  }

  // no-reply senders
  const noReplySender = senderAddresses.find((a) => NO_REPLY_LOCAL.test(localPart(a)));
  if (noReplySender) reasons.push(`sender ${noReplySender} does not take replies`);

  const kind: MailKind = own
    ? 'own'
    : bounce
      ? 'bounce'
      : autoReply
        ? 'auto-reply'
        : list
          ? 'list'
          : 'normal';
  const noAutoReply = kind !== 'normal' || reasons.length > 0;
  const originalMessageId = kind === 'bounce' || kind === 'auto-reply' ? findOriginalMessageId(mail) : null;
  return { kind, noAutoReply, reasons, originalMessageId };
}

const EMAIL = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+$/;

/**
 * Why a parsed message cannot become a ticket, or null when it can: it needs a requester with a
 * usable address, and something to say (a subject, some text or an attachment). Bounces and
 * auto-replies are judged by classifyMail, not here.
 */
export function quarantineReason(mail: ParsedMail): string | null {
  if (!mail.from) {
    const header = mail.headerList.find((h) => h.name === 'from')?.value;
    return header
      ? `no sender: the From header ("${header.slice(0, 100)}") names no email address`
      : 'no sender: the message has no From header';
  }
  if (!EMAIL.test(mail.from.address))
    return `sender address "${mail.from.address.slice(0, 100)}" is not an email address`;
  const hasText = mail.text.trim().length > 0;
  if (!mail.subject.trim() && !hasText && mail.attachments.length === 0) {
    return 'empty message: no subject, text or attachments';
  }
  return null;
}
