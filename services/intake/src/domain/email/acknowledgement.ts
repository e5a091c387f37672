/**
 * The acknowledgement of a new ticket opened by email (pure): whether one is owed, to which
 * address, and what it says. Answering automatic mail is how mail loops start (RFC 3834), so the
 * answer is no for anything a loop guard flags, for mail with a null return path, for monitoring
 * alerts, and when the answer would go to one of this system's addresses (any tenant's). The per-sender hourly cap is the caller's, counted
 * only for mail that is owed an acknowledgement, so guarded mail never uses up a sender's allowance.
 */
import type { ParsedMail } from '@psa/mime/types';
import type { DivisionOfWork } from '@psa/model/division-of-work';
import type { Ticket } from '@psa/model/ticket';
import { isOwnAddress, type MailClassification } from './classify.ts';

export type AcknowledgementDecision =
  | { acknowledge: true; to: string }
  | { acknowledge: false; reason: string };

/** Where answers to a mail go: its first Reply-To, else its sender; lower-cased. */
export function answerAddress(mail: ParsedMail): string | null {
  return (mail.replyTo[0]?.address ?? mail.from?.address)?.toLowerCase() || null;
}

/**
 * Whether the mail came with a null return path (`MAIL FROM:<>`), the mark of a message no one
 * may answer automatically (RFC 3834 section 2, RFC 5321 section 4.5.5: bounces, and the automatic
 * mail of systems that take no replies). The envelope sender decides when it is known (SES's
 * `mail.source`, the SMTP listener's MAIL FROM); otherwise the Return-Path header that the
 * receiving server wrote from it.
 */
export function hasNullReturnPath(mail: ParsedMail, envelopeSender?: string): boolean {
  const path = envelopeSender ?? mail.headers.returnPath;
  return path !== null && path.replace(/[<>\s]/g, '') === '';
}

/**
 * Whether a new ticket opened from `mail` is owed an acknowledgement. Mail that continues a ticket
 * never opens one, so it never gets here.
 */
export function decideAcknowledgement(
  mail: ParsedMail,
  verdict: MailClassification,
  opts: {
    alert: boolean;
    /** Every address of this system: the tenant's own, and any other tenant's the mail names. */
    ownAddresses: readonly string[];
    /** The envelope sender (MAIL FROM), when the receiving server passed it on; '' for `<>`. */
    envelopeSender?: string;
  },
): AcknowledgementDecision {
  if (verdict.kind !== 'normal') return { acknowledge: false, reason: `${verdict.kind} mail` };
  if (verdict.noAutoReply) {
    return { acknowledge: false, reason: `loop guard: ${verdict.reasons.join('; ')}` };
  }
  if (hasNullReturnPath(mail, opts.envelopeSender)) {
    return { acknowledge: false, reason: 'null return path (MAIL FROM:<>): never answered (RFC 3834)' };
  }
  if (isOwnAddress(opts.envelopeSender?.replace(/[<>]/g, ''), opts.ownAddresses)) {
    return { acknowledge: false, reason: `sent by this system (envelope sender ${opts.envelopeSender})` };
  }
  if (opts.alert) return { acknowledge: false, reason: 'monitoring alert' };
  const to = answerAddress(mail);
  if (!to) return { acknowledge: false, reason: 'no address to answer' };
  if (isOwnAddress(to, opts.ownAddresses)) {
    return { acknowledge: false, reason: `answers would go to this system’s own address ${to}` };
  }
  return { acknowledge: true, to };
}

/** The text of the acknowledgement of ticket `t`. */
export function acknowledgementText(t: Ticket, dow: DivisionOfWork): string {
  return [
    `Hello${t.requester.name ? ` ${t.requester.name}` : ''},`,
    '',
    `We received your request and opened ticket ${t.key}: "${t.subject}".`,
    `Reply to this email to add to it; keep [${t.key}] in the subject.`,
    '',
    `${dow.name} IT support`,
  ].join('\n');
}
