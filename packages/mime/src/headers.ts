/**
 * The top-level header fields of a message, decoded from the raw header bytes: addresses (with
 * encoded words decoded by ./charset.ts), Message-IDs, the date, and the loop-guard flags.
 */
import type { HeaderLines } from 'mailparser';
import { parseAddressHeader } from 'mailparser';
import {
  binaryToBytes,
  cleanHeaderText,
  decodeHeaderText,
  decodeUtf8Lenient,
  replaceControlChars,
} from './charset.ts';
import type { MailAddress, MailHeaderFlags, ParsedMail } from './types.ts';

/** One header line: lower-cased name, value as a binary string (one char per byte). */
export type RawHeader = { name: string; binary: string };

export function rawHeaders(lines: HeaderLines): RawHeader[] {
  return lines.map((l) => {
    const colon = l.line.indexOf(':');
    return { name: l.key.toLowerCase(), binary: colon >= 0 ? l.line.slice(colon + 1) : '' };
  });
}

/** How many lines look like real header fields (a message without any is no email). */
export function countHeaderFields(lines: HeaderLines): number {
  return lines.filter((l) => /^[!-9;-~]+[ \t]*:/.test(l.line)).length;
}

function firstText(headers: RawHeader[], name: string): string | null {
  const raw = headers.find((h) => h.name === name)?.binary ?? null;
  if (raw === null) return null;
  return cleanHeaderText(raw);
}

function allText(headers: RawHeader[], name: string): string[] {
  return headers.filter((h) => h.name === name).map((h) => cleanHeaderText(h.binary));
}

const EW_RUN = /=\?[^?\s]+\?[BbQq]\?[^?]*\?=(?:[ \t]*=\?[^?\s]+\?[BbQq]\?[^?]*\?=)*/g;

/**
 * Address header value (binary string) → mailboxes. Encoded words are decoded by us (raw bytes,
 * UTF-7) and put back after mailparser's address parser has split the list, so a decoded comma or
 * quote in a display name cannot split or break it.
 */
export function parseAddressList(binary: string): MailAddress[] {
  const decoded: string[] = [];
  const unfolded = binary.replace(/\r?\n(?=[ \t])/g, '').replace(/[\r\n]+/g, ' ');
  const masked = unfolded.replace(EW_RUN, (run) => {
    decoded.push(decodeHeaderText(run));
    return `EWPH${decoded.length - 1}PHEW`;
  });
  const text = decodeUtf8Lenient(binaryToBytes(masked));
  const unmask = (s: string): string =>
    s.replace(/EWPH(\d+)PHEW/g, (_m, i: string) => decoded[Number(i)] ?? '');
  let parsed: { name?: string; address?: string }[] = [];
  try {
    parsed = parseAddressHeader(text, { flatten: true, decodePunycode: false }).value;
  } catch {
    parsed = [];
  }
  const out: MailAddress[] = [];
  for (const a of parsed) {
    const address = unmask(a.address ?? '')
      .trim()
      .replace(/^<|>$/g, '')
      .trim();
    const name = replaceControlChars(unmask(a.name ?? ''), ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .trim();
    if (!address && !name) continue;
    out.push({ address, name });
  }
  return out;
}

function addressesOf(headers: RawHeader[], name: string): MailAddress[] {
  return headers.filter((h) => h.name === name).flatMap((h) => parseAddressList(h.binary));
}

/** Message-IDs in a header value, without angle brackets, in order, without duplicates. */
export function extractMessageIds(value: string | null | undefined): string[] {
  if (!value) return [];
  const v = value.replace(/\([^()]*\)/g, ' ');
  let ids = [...v.matchAll(/<([^<>]*)>/g)].map((m) => (m[1] ?? '').replace(/\s+/g, ''));
  if (ids.length === 0) ids = v.split(/[\s,]+/).filter((t) => t.includes('@'));
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of ids) {
    const id = raw.replace(/^<+|>+$/g, '').trim();
    if (!id || id.length > 998 || seen.has(id)) continue;
    seen.add(id);
    out.push(id);
  }
  return out;
}

function messageIdOf(headers: RawHeader[]): string | null {
  const v = firstText(headers, 'message-id');
  if (!v) return null;
  const ids = extractMessageIds(v);
  if (ids[0]) return ids[0];
  const token = v.replace(/[<>\s]/g, '');
  return token && token.length <= 998 ? token : null;
}

/** RFC 5322 date (with the usual deviations) → ISO 8601, or null. */
export function parseMailDate(value: string | null | undefined): string | null {
  if (!value) return null;
  const attempts = [
    value,
    value.replace(/\([^)]*\)/g, ' '),
    value
      .replace(/\([^)]*\)/g, ' ')
      .replace(/^\s*[A-Za-z]{2,9}\.?,?\s*/, '')
      .replace(/\b(UT)\b/, 'GMT')
      .replace(/([+-]\d{2}):?(\d{2})\s*$/, '$1$2')
      .replace(/\s+/g, ' ')
      .trim(),
  ];
  for (const a of attempts) {
    const t = Date.parse(a);
    if (!Number.isNaN(t)) {
      const d = new Date(t);
      const year = d.getUTCFullYear();
      if (year < 1970 || year > 9999) return null;
      return d.toISOString();
    }
  }
  return null;
}

/** The loop-guard headers; the delivery-report fields are filled in by ./delivery-report.ts. */
export function headerFlags(headers: RawHeader[]): MailHeaderFlags {
  const first = (name: string): string | null => firstText(headers, name);
  return {
    autoSubmitted: first('auto-submitted'),
    precedence: first('precedence'),
    listId: first('list-id'),
    listUnsubscribe: first('list-unsubscribe'),
    xAutoreply: first('x-autoreply'),
    xAutorespond: first('x-autorespond'),
    xAutoResponseSuppress: first('x-auto-response-suppress'),
    xAutoGenerated: first('x-autogenerated'),
    xFailedRecipients: allText(headers, 'x-failed-recipients')
      .flatMap((v) => v.split(/[\s,;]+/))
      .filter((v) => v.includes('@')),
    returnPath: first('return-path'),
    isDeliveryReport: false,
    reportType: null,
  };
}

export type HeaderFields = Pick<
  ParsedMail,
  | 'messageId'
  | 'from'
  | 'replyTo'
  | 'sender'
  | 'to'
  | 'cc'
  | 'subject'
  | 'date'
  | 'inReplyTo'
  | 'references'
  | 'headerList'
> & {
  /** The Date header as written (forwarded blocks quote it). */
  rawDate: string | null;
};

/** The requester, recipients, subject, date and threading ids; what was guessed goes to `warnings`. */
export function readHeaderFields(headers: RawHeader[], warnings: string[]): HeaderFields {
  const hasFrom = headers.some((h) => h.name === 'from');
  let from = addressesOf(headers, 'from').find((a) => a.address) ?? null;
  const sender = addressesOf(headers, 'sender').find((a) => a.address) ?? null;
  if (!from && sender && !hasFrom) {
    from = sender;
    warnings.push('no From header: the Sender is used as the requester');
  }
  if (!from && hasFrom) warnings.push('From header names no address');

  const rawDate = firstText(headers, 'date');
  const date = parseMailDate(rawDate);
  if (rawDate && !date) warnings.push(`unreadable Date header: ${rawDate.slice(0, 100)}`);

  return {
    messageId: messageIdOf(headers),
    from,
    replyTo: addressesOf(headers, 'reply-to').filter((a) => a.address),
    sender,
    to: addressesOf(headers, 'to').filter((a) => a.address),
    cc: addressesOf(headers, 'cc').filter((a) => a.address),
    subject: firstText(headers, 'subject') ?? '',
    date,
    rawDate,
    inReplyTo: extractMessageIds(firstText(headers, 'in-reply-to')),
    references: allText(headers, 'references').flatMap((v) => extractMessageIds(v)),
    headerList: headers
      .slice(0, 500)
      .map((h) => ({ name: h.name, value: cleanHeaderText(h.binary).slice(0, 8192) })),
  };
}
