/**
 * Composition of the mail the system sends: one text part, an optional HTML alternative, stored
 * files as attachments, threading ids and extra header fields, in UTF-8. The output is the raw
 * message (CRLF line breaks, every line within 998 characters, body lines within 76) as SES's
 * raw send and an SMTP relay take it.
 *
 * Its own module, apart from ./parse.ts, so a function that only sends mail bundles a few KB and
 * none of the parser; see ./encode.ts for the encoders.
 */
import { domainToASCII } from 'node:url';
import {
  base64Lines,
  canonicalLineBreaks,
  foldHeader,
  parameterTokens,
  phraseWords,
  quotedPrintable,
  unstructuredWords,
} from './encode.ts';

/** An address as `name <address>` parts; a string is a bare address or `Name <address>`. */
export interface MailboxParts {
  name?: string;
  address: string;
}

export interface ComposeFile {
  filename: string;
  /** A `type/subtype`; anything else goes as application/octet-stream. */
  contentType: string;
  content: Uint8Array;
}

export interface ComposeInput {
  from: string | MailboxParts;
  to: string | MailboxParts;
  subject: string;
  /** Line breaks may be LF, CRLF or CR; they go out as CRLF. */
  text: string;
  /** An HTML alternative of `text` (multipart/alternative). */
  html?: string;
  /** Message ids without angle brackets. */
  messageId: string;
  inReplyTo?: string;
  references?: readonly string[];
  attachments?: readonly ComposeFile[];
  /** Further header fields, in order, with ASCII values (the loop-guard headers). */
  headers?: readonly (readonly [name: string, value: string])[];
}

export interface ComposeOptions {
  /** The Date header's instant; now by default. */
  date?: Date;
}

const CRLF = '\r\n';

/** `Name <a@b>` or `"Name" <a@b>` into its parts; anything else is taken as a bare address. */
export function mailboxParts(mailbox: string | MailboxParts): MailboxParts {
  if (typeof mailbox !== 'string') return mailbox;
  const match = /^\s*(.*?)\s*<([^<>\s]+)>\s*$/.exec(mailbox);
  if (!match) return { address: mailbox.trim() };
  const quoted = /^"(.*)"$/.exec(match[1]!);
  const name = quoted ? quoted[1]!.replace(/\\(.)/g, '$1') : match[1]!;
  return name ? { name, address: match[2]! } : { address: match[2]! };
}

/** Refuses what would break the header it goes into (a line break injects a header field). */
function headerSafe(what: string, value: string, pattern: RegExp): string {
  if (!pattern.test(value)) throw new Error(`cannot compose mail: invalid ${what} ${JSON.stringify(value)}`);
  return value;
}

/** An RFC 5321 mailbox in ASCII: dot-atom local part, host name. */
const ADDRESS = /^[!#-'*+\-./0-9=?A-Z^-~]+@[A-Za-z0-9.-]+$/;
const MESSAGE_ID = /^[^\s<>]+$/;
const FIELD_NAME = /^[!-9;-~]+$/;
const FIELD_VALUE = /^[\x20-\x7e\t]*$/;
const MIME_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$/;

function addressHeader(name: string, mailbox: string | MailboxParts): string {
  const parts = mailboxParts(mailbox);
  const at = parts.address.lastIndexOf('@');
  // SES takes no SMTPUTF8: 7-bit ASCII addresses, an internationalised domain as its punycode
  // (https://docs.aws.amazon.com/ses/latest/APIReference/API_Destination.html).
  const domain = parts.address.slice(at + 1);
  const ascii =
    at > 0 && /[^\x20-\x7e]/.test(domain)
      ? `${parts.address.slice(0, at)}@${domainToASCII(domain)}`
      : parts.address;
  const address = headerSafe('address', ascii, ADDRESS);
  return foldHeader(name, parts.name ? [...phraseWords(parts.name), `<${address}>`] : [address]);
}

const msgId = (id: string) => `<${headerSafe('message id', id, MESSAGE_ID)}>`;

/** RFC 5322 date-time in UTC. */
const rfc5322Date = (date: Date) => date.toUTCString().replace(/GMT$/, '+0000');

/** A boundary quoted-printable and base64 output cannot contain (`=_` never occurs in either). */
function newBoundary(): string {
  const random = new Uint8Array(12);
  crypto.getRandomValues(random);
  return `=_psa_${Buffer.from(random).toString('hex')}`;
}

interface Part {
  headers: string;
  body: string;
}

/**
 * A UTF-8 text part, quoted-printable when mostly ASCII (readable, about as short), base64 when
 * not (quoted-printable triples every other byte).
 */
function textPart(subtype: 'plain' | 'html', text: string, whole = false): Part {
  const canonical = canonicalLineBreaks(text);
  const bytes = Buffer.from(canonical, 'utf8');
  let high = 0;
  for (const b of bytes) if (b > 126) high++;
  const base64 = high * 3 > bytes.length;
  return {
    headers:
      `Content-Type: text/${subtype}; charset=utf-8${CRLF}` +
      `Content-Transfer-Encoding: ${base64 ? 'base64' : 'quoted-printable'}${CRLF}`,
    body: base64 ? base64Lines(bytes) : quotedPrintable(canonical, { softEnd: whole || canonical === '' }),
  };
}

function attachmentPart(file: ComposeFile): Part {
  const type =
    MIME_TYPE.test(file.contentType) && !/^(multipart|message)\//i.test(file.contentType)
      ? file.contentType.toLowerCase()
      : 'application/octet-stream';
  return {
    headers:
      foldHeader('Content-Type', [type, ...parameterTokens('name', file.filename)], ';') +
      foldHeader('Content-Disposition', ['attachment', ...parameterTokens('filename', file.filename)], ';') +
      `Content-Transfer-Encoding: base64${CRLF}`,
    body: base64Lines(file.content),
  };
}

/** A multipart of `parts`, with a boundary none of them contains. */
function multipart(subtype: 'mixed' | 'alternative', parts: readonly Part[]): Part {
  let boundary = newBoundary();
  while (parts.some((p) => p.body.includes(boundary) || p.headers.includes(boundary)))
    boundary = newBoundary();
  const body = parts.map((p) => `--${boundary}${CRLF}${p.headers}${CRLF}${p.body}`).join('');
  return {
    headers: `Content-Type: multipart/${subtype};${CRLF} boundary="${boundary}"${CRLF}`,
    body: `${body}--${boundary}--${CRLF}`,
  };
}

function bodyPart(input: ComposeInput): Part {
  const files = input.attachments ?? [];
  const text = textPart('plain', input.text, input.html === undefined && files.length === 0);
  const readable =
    input.html === undefined ? text : multipart('alternative', [text, textPart('html', input.html)]);
  return files.length === 0 ? readable : multipart('mixed', [readable, ...files.map(attachmentPart)]);
}

/**
 * The raw message for `input`: From, To, Subject, Date, Message-ID, In-Reply-To, References, the
 * extra headers, MIME-Version, then the body. Throws on an address, id or extra header that
 * would break the header section (a line break, angle brackets in an id, a non-ASCII value).
 */
export function composeMail(input: ComposeInput, options: ComposeOptions = {}): Buffer {
  const extra = (input.headers ?? []).map(
    ([name, value]) =>
      `${headerSafe('header name', name, FIELD_NAME)}: ${headerSafe('header value', value, FIELD_VALUE)}${CRLF}`,
  );
  const part = bodyPart(input);
  const head = [
    addressHeader('From', input.from),
    addressHeader('To', input.to),
    foldHeader('Subject', unstructuredWords(input.subject)),
    `Date: ${rfc5322Date(options.date ?? new Date())}${CRLF}`,
    `Message-ID: ${msgId(input.messageId)}${CRLF}`,
    input.inReplyTo ? `In-Reply-To: ${msgId(input.inReplyTo)}${CRLF}` : '',
    input.references?.length ? foldHeader('References', input.references.map(msgId)) : '',
    ...extra,
    `MIME-Version: 1.0${CRLF}`,
    part.headers,
  ].join('');
  return Buffer.from(`${head}${CRLF}${part.body}`, 'utf8');
}
