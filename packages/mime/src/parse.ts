/**
 * Parsing of raw mail into what the helpdesk needs (requester, subject, readable text, sanitised
 * HTML, attachments, threading ids, loop-guard headers). Pure: no storage, no clock, no I/O.
 *
 * Built on mailparser (MIME structure, transfer encodings, RFC 2231 parameters, format=flowed,
 * TNEF kept as winmail.dat), run by ./run-mailparser.ts. On top of it:
 * - body charsets go through ./charset.ts (UTF-8 with stray bytes, mislabelled Latin-1, UTF-7);
 * - subject and display names are decoded from the raw header bytes by ./headers.ts (8-bit
 *   headers, encoded words with raw bytes or UTF-7);
 * - the readable text is assembled from the MIME tree by ./body-text.ts (text/plain preferred in
 *   an alternative, the HTML converted with html-to-text otherwise), forwarded messages appended,
 *   uuencoded files taken out as attachments (./attachments.ts);
 * - delivery reports are read by ./delivery-report.ts;
 * - limits: a message over maxMessageBytes or with more than maxParts MIME parts is refused, an
 *   attachment over maxAttachmentBytes is listed without content, parsing that takes too long is
 *   abandoned.
 *
 * parseMail never throws: anything that goes wrong is `{ ok: false, reason }` and the caller keeps
 * the raw message.
 */
import type { MailParser } from 'mailparser';
import {
  digestAttachment,
  digestChildren,
  finishAttachments,
  formatBytes,
  type MimeAttachments,
  mimeAttachments,
  uuencodedAttachment,
} from './attachments.ts';
import { forwardedBlock, isBlank, readableText } from './body-text.ts';
import { readDeliveryReport } from './delivery-report.ts';
import { countHeaderFields, headerFlags, rawHeaders, readHeaderFields } from './headers.ts';
import { sanitizeMailHtml } from './html.ts';
import { repairTopHeader, stripEnvelope } from './raw-repair.ts';
import { type Collected, type MpNode, nodeType, runMailparser } from './run-mailparser.ts';
import type { EmbeddedMessage, MailLimits, ParsedMail, ParseResult } from './types.ts';

export type {
  DeliveryReport,
  EmbeddedMessage,
  MailAddress,
  MailAttachment,
  MailHeaderFlags,
  MailLimits,
  ParsedMail,
  ParseResult,
} from './types.ts';

const MB = 1024 * 1024;
export const DEFAULT_LIMITS = {
  maxMessageBytes: 30 * MB,
  maxAttachmentBytes: 10 * MB,
  maxTextChars: 2_000_000,
  timeoutMs: 30_000,
  /**
   * A real message has a handful of parts; a few hundred attachments is already extreme. Without a
   * cap, a small message of empty parts (each boundary a few bytes) makes a tree of hundreds of
   * thousands of nodes, and every step that walks it pays for each.
   */
  maxParts: 500,
} as const;

/** How deep forwarded-inside-forwarded messages are opened. */
const MAX_EMBED_DEPTH = 3;

type Limits = Required<MailLimits>;

type Internal = { mail: ParsedMail; rawDate: string | null; headerCount: number };

/** What one parse shares with the parses of the messages inside it. */
type Run = { limits: Limits; depth: number; onParser: (p: MailParser) => void; warnings: string[] };

/**
 * Opens the messages carried inside this one (message/rfc822 and headers-only parts, children of a
 * multipart/digest): each is listed in `embedded`, and its forwarded block is kept for the text,
 * except for the message a delivery report returns (ours, not the sender's words).
 */
async function openEmbedded(collected: Collected, parts: MimeAttachments, run: Run) {
  const { attachments, nodeOfAttachment } = parts;
  const embedded: EmbeddedMessage[] = [];
  const forwardedTextByAttachment = new Map<number, string>();
  const digestChildText = new Map<MpNode, string>();

  const open = async (bytes: Buffer, attachmentIndex: number | null, headersOnly: boolean) => {
    if (run.depth + 1 > MAX_EMBED_DEPTH) {
      run.warnings.push('forwarded message nested too deep: not opened');
      return null;
    }
    try {
      const inner = await parseInternal(
        headersOnly ? Buffer.concat([bytes, Buffer.from('\r\n\r\n')]) : bytes,
        run.limits,
        run.depth + 1,
        run.onParser,
      );
      if (inner.headerCount === 0 && isBlank(inner.mail.text)) return null;
      const m = inner.mail;
      embedded.push({
        messageId: m.messageId,
        from: m.from,
        to: m.to,
        subject: m.subject,
        date: m.date,
        inReplyTo: m.inReplyTo,
        references: m.references,
        text: headersOnly ? '' : m.text,
        attachmentIndex,
        headersOnly,
      });
      return inner;
    } catch (err) {
      run.warnings.push(`forwarded message could not be read: ${(err as Error).message}`);
      return null;
    }
  };

  for (const [i, a] of attachments.entries()) {
    if (!a.content) continue;
    if (a.contentType === 'message/rfc822' || a.contentType === 'message/global') {
      const inner = await open(Buffer.from(a.content), i, false);
      const parent = nodeOfAttachment[i]?.parent;
      const returned = parent !== undefined && nodeType(parent) === 'multipart/report';
      if (inner && !returned) forwardedTextByAttachment.set(i, forwardedBlock(inner.mail, inner.rawDate));
    } else if (a.contentType === 'text/rfc822-headers' || a.contentType === 'message/global-headers') {
      await open(Buffer.from(a.content), i, true);
    }
  }
  const digests = digestChildren(collected.nodes).map((node) => {
    const bytes = Buffer.from(node.textContent ?? '', 'utf8');
    attachments.push(digestAttachment(bytes, run.limits.maxAttachmentBytes));
    return { node, bytes, index: attachments.length - 1 };
  });
  for (const { node, bytes, index } of digests) {
    const inner = await open(bytes, index, false);
    digestChildText.set(node, inner ? forwardedBlock(inner.mail, inner.rawDate) : (node.textContent ?? ''));
  }
  return { embedded, forwardedTextByAttachment, digestChildText };
}

async function parseInternal(
  input: Buffer,
  limits: Limits,
  depth: number,
  onParser: (p: MailParser) => void,
): Promise<Internal> {
  const run: Run = { limits, depth, onParser, warnings: [] };
  const { warnings } = run;
  const collected = await runMailparser(
    repairTopHeader(stripEnvelope(input)),
    limits.maxAttachmentBytes,
    onParser,
    limits.maxParts,
  );
  const headers = rawHeaders(collected.headerLines);
  const parts = mimeAttachments(collected);
  const { attachments } = parts;

  const flags = headerFlags(headers);
  const report = readDeliveryReport(flags, collected.tree, attachments);
  const inner = await openEmbedded(collected, parts, run);
  if (report && !report.originalMessageId) {
    report.originalMessageId = inner.embedded.find((e) => e.messageId)?.messageId ?? null;
  }

  const body = readableText(collected.tree, { ...inner, attachmentIndexByNode: parts.attachmentIndexByNode });
  for (const f of body.uuFiles) {
    attachments.push(uuencodedAttachment(f, limits.maxAttachmentBytes));
    warnings.push(`uuencoded file "${f.filename}" taken out of the text as an attachment`);
  }
  let text = body.text;
  let truncated = false;
  if (text.length > limits.maxTextChars) {
    text = `${text.slice(0, limits.maxTextChars)}\n[…]`;
    truncated = true;
    warnings.push(`text cut at ${limits.maxTextChars} characters`);
  }

  const rawHtml = collected.html;
  const html = rawHtml !== null && !isBlank(rawHtml) ? sanitizeMailHtml(rawHtml) : null;
  if (finishAttachments(attachments, parts.partInfo, rawHtml, limits.maxAttachmentBytes, warnings)) {
    truncated = true;
  }

  const { rawDate, ...fields } = readHeaderFields(headers, warnings);
  const mail: ParsedMail = {
    ...fields,
    text,
    html,
    attachments,
    headers: flags,
    embedded: inner.embedded,
    deliveryReport: report,
    truncated,
    warnings,
  };
  return { mail, rawDate, headerCount: countHeaderFields(collected.headerLines) };
}

function isByteArray(x: unknown): x is Uint8Array {
  return x instanceof Uint8Array;
}

/**
 * Parses a raw RFC 5322 message. Never throws and never rejects: a message that cannot be parsed,
 * is over `maxMessageBytes`, has no headers, or takes longer than `timeoutMs` is `{ ok: false, reason }`.
 */
export async function parseMail(raw: Uint8Array, limits: MailLimits = {}): Promise<ParseResult> {
  const l: Limits = {
    maxMessageBytes: limits.maxMessageBytes ?? DEFAULT_LIMITS.maxMessageBytes,
    maxAttachmentBytes: limits.maxAttachmentBytes ?? DEFAULT_LIMITS.maxAttachmentBytes,
    maxTextChars: limits.maxTextChars ?? DEFAULT_LIMITS.maxTextChars,
    timeoutMs: limits.timeoutMs ?? DEFAULT_LIMITS.timeoutMs,
    maxParts: limits.maxParts ?? DEFAULT_LIMITS.maxParts,
  };
  const parsers: MailParser[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    if (!isByteArray(raw)) return { ok: false, reason: 'input is not a byte array' };
    if (raw.length > l.maxMessageBytes) {
      return {
        ok: false,
        reason: `message is ${raw.length} bytes, over the ${formatBytes(l.maxMessageBytes)} limit`,
      };
    }
    const buf = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    if (isBlank(buf.toString('latin1', 0, Math.min(buf.length, 4096))) && buf.length <= 4096) {
      return { ok: false, reason: 'empty message' };
    }
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`parsing took longer than ${l.timeoutMs} ms`)), l.timeoutMs);
    });
    const parsed = await Promise.race([parseInternal(buf, l, 0, (p) => parsers.push(p)), timeout]);
    if (parsed.headerCount === 0)
      return { ok: false, reason: 'no message headers found: not an email message' };
    return { ok: true, mail: parsed.mail };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, reason: `unparseable message: ${message || 'unknown error'}` };
  } finally {
    if (timer) clearTimeout(timer);
    for (const p of parsers) {
      try {
        if (!p.destroyed) p.destroy();
      } catch {
        // already gone
      }
    }
  }
}
