/**
 * Parsing of raw mail into what the helpdesk needs (requester, subject, readable text, sanitised
 * HTML, attachments, threading ids, loop-guard headers). Pure: no storage, no clock, no I/O.
 *
 * Built on mailparser (MIME structure, transfer encodings, RFC 2231 parameters, format=flowed,
 * TNEF kept as winmail.dat). On top of it:
 * - body charsets go through ./charset.ts (UTF-8 with stray bytes, mislabelled Latin-1, UTF-7);
 * - subject and display names are decoded from the raw header bytes (8-bit headers, encoded words
 *   with raw bytes or UTF-7);
 * - the readable text is assembled from the MIME tree (text/plain preferred in an alternative, the
 *   HTML converted with html-to-text otherwise), forwarded messages appended, uuencoded files
 *   taken out as attachments;
 * - limits: a message over maxMessageBytes is refused, an attachment over maxAttachmentBytes is
 *   listed without content, parsing that takes too long is abandoned.
 *
 * parseMail never throws: anything that goes wrong is `{ ok: false, reason }` and the caller keeps
 * the raw message.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { type AttachmentStream, type HeaderLines, MailParser, parseAddressHeader } from 'mailparser';
import {
  binaryToBytes,
  cleanHeaderText,
  decodeBytes,
  decodeHeaderText,
  decodeUtf8Lenient,
  isKnownCharset,
  replaceControlChars,
} from './charset.ts';
import { contentTypeFor, extensionFor, safeFilename } from './files.ts';
import { htmlToReadableText, sanitizeMailHtml } from './html.ts';
import type {
  DeliveryReport,
  DeliveryReportRecipient,
  EmbeddedMessage,
  MailAddress,
  MailAttachment,
  MailHeaderFlags,
  MailLimits,
  ParsedMail,
  ParseResult,
} from './types.ts';

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
} as const;

/** How deep forwarded-inside-forwarded messages are opened. */
const MAX_EMBED_DEPTH = 3;
/** Text of one forwarded message kept in the body, in characters. */
const MAX_EMBEDDED_TEXT = 200_000;

type Limits = Required<MailLimits>;

export function formatBytes(n: number): string {
  if (n >= MB && n % MB === 0) return `${n / MB} MB`;
  if (n >= MB) return `${(n / MB).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}

// ---------------------------------------------------------------------------------------------
// mailparser internals used here (mailparser 3.x, see node_modules/mailparser/dist/esm/mail-parser.js)

type MpNode = {
  node?: { filename?: string | false; contentType?: string | false };
  headers: Map<string, unknown>;
  contentType?: string | false;
  disposition?: string;
  isAttachment?: boolean;
  textContent?: string;
  charset?: string;
  children?: MpNode[];
  parent?: MpNode;
  root?: boolean;
};

type MpInternals = {
  createNode(data: unknown): MpNode;
  decoder: { decodeStream(charset: string): NodeJS.ReadWriteStream };
  tree: MpNode | false;
  headerLines: HeaderLines | false;
  html: string | false;
};

const CHARSET_MARK = 'x-psa-charset;';
const TEXT_TYPES = new Set(['text/plain', 'text/html']);

/** Buffers a text part and decodes it at the end with ./charset.ts. */
class CharsetDecodeStream extends Transform {
  chunks: Buffer[] = [];
  charset: string;
  constructor(charset: string) {
    super();
    this.charset = charset;
  }
  override _transform(chunk: Buffer | string, _enc: BufferEncoding, done: TransformCallback): void {
    this.chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
    done();
  }
  override _flush(done: TransformCallback): void {
    const bytes = Buffer.concat(this.chunks);
    this.chunks = [];
    this.push(Buffer.from(decodeBytes(bytes, this.charset) ?? decodeUtf8Lenient(bytes), 'utf8'));
    done();
  }
}

type CollectedAttachment = {
  meta: AttachmentStream;
  chunks: Buffer[];
  size: number;
  overLimit: boolean;
};

type Collected = {
  tree: MpNode | null;
  headerLines: HeaderLines;
  html: string | null;
  attachments: CollectedAttachment[];
  /** Nodes in the order mailparser created them. */
  nodes: MpNode[];
};

function runMailparser(
  buf: Buffer,
  maxAttachmentBytes: number,
  onParser: (p: MailParser) => void,
): Promise<Collected> {
  return new Promise((resolve, reject) => {
    const parser = new MailParser({
      skipHtmlToText: true,
      skipTextLinks: true,
      skipImageLinks: true,
      ignoreEmbedded: true,
      // a delivery-status part is data about the message (listed as an attachment, read below)
      keepDeliveryStatus: true,
      checksumAlgo: false,
    });
    onParser(parser);
    const internals = parser as unknown as MpInternals;
    const nodes: MpNode[] = [];

    const createNode = internals.createNode.bind(parser);
    internals.createNode = (data: unknown): MpNode => {
      const n = createNode(data);
      nodes.push(n);
      const type = typeof n.contentType === 'string' ? n.contentType : '';
      if (TEXT_TYPES.has(type)) {
        n.charset = CHARSET_MARK + (n.charset ?? '');
        // A named text part that is not the first of its parent is a file the sender attached
        // (Netscape sent such files inline), not more body text.
        const filename = n.node?.filename;
        const parent = n.parent;
        if (
          !n.isAttachment &&
          filename &&
          parent &&
          parent.contentType !== 'multipart/alternative' &&
          (parent.children ?? []).indexOf(n) > 0
        ) {
          n.isAttachment = true;
        }
      }
      return n;
    };
    const baseDecoder = internals.decoder;
    internals.decoder = {
      decodeStream(charset: string) {
        if (charset.startsWith(CHARSET_MARK)) {
          const declared = charset.slice(CHARSET_MARK.length);
          if (isKnownCharset(declared)) return new CharsetDecodeStream(declared);
          return baseDecoder.decodeStream(declared || 'utf-8');
        }
        return baseDecoder.decodeStream(charset);
      },
    };

    const attachments: CollectedAttachment[] = [];
    let html: string | null = null;
    let settled = false;
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    parser.on('error', fail);
    parser.on('data', (data: AttachmentStream | { type: 'text'; html?: string }) => {
      if (data.type === 'text') {
        if (typeof data.html === 'string') html = data.html;
        return;
      }
      const entry: CollectedAttachment = { meta: data, chunks: [], size: 0, overLimit: false };
      attachments.push(entry);
      data.content.on('data', (chunk: Buffer) => {
        entry.size += chunk.length;
        if (entry.size > maxAttachmentBytes) {
          entry.overLimit = true;
          entry.chunks = [];
        } else entry.chunks.push(chunk);
      });
      data.content.on('error', fail);
      data.content.on('end', () => data.release?.());
    });
    parser.on('end', () => {
      if (settled) return;
      settled = true;
      resolve({
        tree: internals.tree || null,
        headerLines: internals.headerLines || [],
        html,
        attachments,
        nodes,
      });
    });
    parser.end(buf);
  });
}

// ---------------------------------------------------------------------------------------------
// headers

type RawHeader = { name: string; binary: string };

function rawHeaders(lines: HeaderLines): RawHeader[] {
  return lines.map((l) => {
    const colon = l.line.indexOf(':');
    return { name: l.key.toLowerCase(), binary: colon >= 0 ? l.line.slice(colon + 1) : '' };
  });
}

function firstRaw(headers: RawHeader[], name: string): string | null {
  return headers.find((h) => h.name === name)?.binary ?? null;
}

function firstText(headers: RawHeader[], name: string): string | null {
  const raw = firstRaw(headers, name);
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

function headerFlags(headers: RawHeader[]): MailHeaderFlags {
  const lower = (name: string): string | null => {
    const v = firstText(headers, name);
    return v === null ? null : v;
  };
  return {
    autoSubmitted: lower('auto-submitted'),
    precedence: lower('precedence'),
    listId: lower('list-id'),
    listUnsubscribe: lower('list-unsubscribe'),
    xAutoreply: lower('x-autoreply'),
    xAutorespond: lower('x-autorespond'),
    xAutoResponseSuppress: lower('x-auto-response-suppress'),
    xAutoGenerated: lower('x-autogenerated'),
    xFailedRecipients: allText(headers, 'x-failed-recipients')
      .flatMap((v) => v.split(/[\s,;]+/))
      .filter((v) => v.includes('@')),
    returnPath: lower('return-path'),
    isDeliveryReport: false,
    reportType: null,
  };
}

// ---------------------------------------------------------------------------------------------
// delivery reports

function parseReportFields(text: string): { fields: Map<string, string>[] } {
  // groups separated by blank lines; continuation lines folded
  const groups = text
    .replace(/\r\n/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((block) => {
      const fields = new Map<string, string>();
      for (const line of block.replace(/\n[ \t]+/g, ' ').split('\n')) {
        const m = /^([A-Za-z0-9-]+)\s*:\s*(.*)$/.exec(line);
        if (m?.[1] && !fields.has(m[1].toLowerCase())) fields.set(m[1].toLowerCase(), (m[2] ?? '').trim());
      }
      return fields;
    })
    .filter((f) => f.size > 0);
  return { fields: groups };
}

function addressOfField(v: string | undefined): string | null {
  if (!v) return null;
  const s = v.replace(/^[a-z0-9-]+\s*;\s*/i, '').trim();
  return s.replace(/^<|>$/g, '') || null;
}

function deliveryRecipients(text: string): DeliveryReportRecipient[] {
  const out: DeliveryReportRecipient[] = [];
  for (const f of parseReportFields(text).fields) {
    if (!f.has('final-recipient') && !f.has('original-recipient') && !f.has('action')) continue;
    out.push({
      finalRecipient: addressOfField(f.get('final-recipient') ?? f.get('original-recipient')),
      action: f.get('action')?.toLowerCase() ?? null,
      status: f.get('status') ?? null,
      diagnosticCode: f.get('diagnostic-code') ?? null,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// uuencode

type Uu = { filename: string; content: Buffer };

function decodeUuLines(lines: string[]): Buffer | null {
  const out: number[] = [];
  for (const line of lines) {
    if (line === '' || line === '`') continue;
    const n = (line.charCodeAt(0) - 32) & 63;
    if (n === 0) continue;
    const chars = line.slice(1);
    if (chars.length < Math.ceil(n / 3) * 4 - 2) return null;
    const bytes: number[] = [];
    for (let i = 0; i + 1 < chars.length && bytes.length < n; i += 4) {
      const c = [0, 1, 2, 3].map((k) => (chars.charCodeAt(i + k) - 32) & 63);
      const [a = 0, b = 0, c2 = 0, d = 0] = c;
      bytes.push(((a << 2) | (b >> 4)) & 255, ((b << 4) | (c2 >> 2)) & 255, ((c2 << 6) | d) & 255);
    }
    for (const b of bytes.slice(0, n)) out.push(b);
  }
  return Buffer.from(out);
}

/** Takes `begin 644 name … end` blocks out of plain text. */
export function extractUuencoded(text: string): { text: string; files: Uu[] } {
  if (!/^begin [0-7]{3,4} /m.test(text)) return { text, files: [] };
  const files: Uu[] = [];
  const re = /^begin ([0-7]{3,4}) ([^\n]+)\n((?:[\x20-\x60]*\n){1,}?)end[ \t]*$/gm;
  const rest = text.replace(re, (whole, _mode: string, name: string, body: string) => {
    const content = decodeUuLines(
      body.split('\n').map((l) => l.replace(/\s+$/, (s) => s.replace(/\S/g, ''))),
    );
    if (!content) return whole;
    files.push({ filename: name.trim(), content });
    return '';
  });
  return { text: rest, files };
}

// ---------------------------------------------------------------------------------------------
// body text

type Ctx = {
  attachmentIndexByNode: Map<MpNode, number>;
  forwardedTextByAttachment: Map<number, string>;
  digestChildText: Map<MpNode, string>;
  uuFiles: Uu[];
};

type Piece = { text: string; plain: boolean };

function nodeType(n: MpNode): string {
  return typeof n.contentType === 'string' ? n.contentType.toLowerCase() : '';
}

function headerParam(n: MpNode, header: string, param: string): string | null {
  const v = n.headers.get(header) as { params?: Record<string, string> } | undefined;
  const p = v?.params?.[param];
  return typeof p === 'string' ? p : null;
}

function isBlank(s: string): boolean {
  return s.replace(/\s|\u00a0|\u200b|\u200c|\u200d|\ufeff/g, '') === '';
}

function walk(n: MpNode, ctx: Ctx, depth: number): Piece {
  if (depth > 60) return { text: '', plain: true };
  const type = nodeType(n);
  const children = n.children ?? [];
  if (type.startsWith('multipart/') || (children.length > 0 && !n.isAttachment)) {
    if (type === 'multipart/alternative') {
      const results = children.map((c) => walk(c, ctx, depth + 1));
      const plain = results.find((r) => r.plain && !isBlank(r.text));
      if (plain) return plain;
      const rich = [...results].reverse().find((r) => !isBlank(r.text));
      return rich ?? { text: '', plain: true };
    }
    if (type === 'multipart/related') {
      const start = headerParam(n, 'content-type', 'start')?.replace(/^<|>$/g, '');
      const root =
        (start && children.find((c) => String(c.headers.get('content-id') ?? '').includes(start))) ||
        children.find((c) => !c.isAttachment) ||
        children[0];
      return root ? walk(root, ctx, depth + 1) : { text: '', plain: true };
    }
    const parts = children.map((c) => walk(c, ctx, depth + 1)).filter((r) => !isBlank(r.text));
    return {
      text: parts.map((r) => r.text).join('\n\n'),
      plain: parts.some((r) => r.plain) || parts.length === 0,
    };
  }
  const digest = ctx.digestChildText.get(n);
  if (digest !== undefined) return { text: digest, plain: true };
  if (n.isAttachment) {
    const index = ctx.attachmentIndexByNode.get(n);
    const forwarded = index === undefined ? undefined : ctx.forwardedTextByAttachment.get(index);
    return { text: forwarded ?? '', plain: true };
  }
  const content = n.textContent ?? '';
  if (type === 'text/html') return { text: htmlToReadableText(content), plain: false };
  if (type === 'text/plain' || type === '') {
    const uu = extractUuencoded(content);
    ctx.uuFiles.push(...uu.files);
    return { text: uu.text, plain: true };
  }
  return { text: '', plain: true };
}

function forwardedBlock(m: ParsedMail, rawDate: string | null): string {
  const head: string[] = ['---------- Forwarded message ----------'];
  const fmt = (a: MailAddress): string => (a.name ? `${a.name} <${a.address}>` : a.address);
  if (m.from) head.push(`From: ${fmt(m.from)}`);
  if (rawDate || m.date) head.push(`Date: ${rawDate ?? m.date}`);
  if (m.subject) head.push(`Subject: ${m.subject}`);
  if (m.to.length) head.push(`To: ${m.to.map(fmt).join(', ')}`);
  if (m.cc.length) head.push(`Cc: ${m.cc.map(fmt).join(', ')}`);
  let body = m.text;
  if (body.length > MAX_EMBEDDED_TEXT) body = `${body.slice(0, MAX_EMBEDDED_TEXT)}\n[…]`;
  return `${head.join('\n')}\n\n${body}`.trim();
}

function cleanText(s: string): string {
  return replaceControlChars(s.replace(/\r\n?/g, '\n'), '', true)
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{4,}/g, '\n\n\n')
    .replace(/^\s*\n/, '')
    .trimEnd();
}

// ---------------------------------------------------------------------------------------------
// the parse

/** Drops an mbox "From " line, a byte-order mark and blank lines before the headers. */
function stripEnvelope(buf: Buffer): Buffer {
  let start = 0;
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
  for (;;) {
    if (buf[start] === 0x0d && buf[start + 1] === 0x0a) start += 2;
    else if (buf[start] === 0x0a) start += 1;
    else break;
  }
  if (buf.subarray(start, start + 5).toString('latin1') === 'From ') {
    const nl = buf.indexOf(0x0a, start);
    start = nl < 0 ? buf.length : nl + 1;
  }
  return start > 0 ? buf.subarray(start) : buf;
}

/** `Content-Type: multipart/mixed\n\tboundary="x"` (no semicolon) in the top header: add the semicolon. */
function repairTopHeader(buf: Buffer): Buffer {
  const end = (() => {
    const a = buf.indexOf('\r\n\r\n');
    const b = buf.indexOf('\n\n');
    if (a < 0) return b;
    if (b < 0) return a;
    return Math.min(a, b);
  })();
  if (end < 0 || end > 1_000_000) return buf;
  const head = buf.subarray(0, end).toString('latin1');
  const fixed = head.replace(
    /^(content-type:[ \t]*multipart\/[\w.+-]+)([ \t]*(?:\r?\n)?[ \t]+)(boundary=)/im,
    '$1;$2$3',
  );
  if (fixed === head) return buf;
  return Buffer.concat([Buffer.from(fixed, 'latin1'), buf.subarray(end)]);
}

type Internal = { mail: ParsedMail; rawDate: string | null; headerCount: number };

async function parseInternal(
  input: Buffer,
  limits: Limits,
  depth: number,
  onParser: (p: MailParser) => void,
): Promise<Internal> {
  const warnings: string[] = [];
  const buf = repairTopHeader(stripEnvelope(input));
  const collected = await runMailparser(buf, limits.maxAttachmentBytes, onParser);
  const headers = rawHeaders(collected.headerLines);
  const tree = collected.tree;

  // attachments
  const attachmentNodes = collected.nodes.filter((n) => n.isAttachment && !(n.children ?? []).length);
  const attachmentIndexByNode = new Map<MpNode, number>();
  // attachments are emitted in the order their nodes were created; pair them when the counts agree
  const nodeOfAttachment: MpNode[] =
    attachmentNodes.length === collected.attachments.length ? attachmentNodes : [];
  if (nodeOfAttachment.length > 0) {
    attachmentNodes.forEach((n, i) => {
      attachmentIndexByNode.set(n, i);
    });
  }
  const partInfo: { disposition: string | null; related: boolean }[] = collected.attachments.map((a) => ({
    disposition: a.meta.contentDisposition?.toLowerCase() ?? null,
    related: a.meta.related === true,
  }));
  const attachments: MailAttachment[] = collected.attachments.map((a) => {
    const contentType = (a.meta.contentType || 'application/octet-stream').toLowerCase();
    const cid = a.meta.cid ? a.meta.cid.trim() : null;
    return {
      filename: safeFilename(a.meta.filename),
      contentType,
      size: a.size,
      contentId: cid || null,
      inline: false,
      content: a.overLimit ? null : new Uint8Array(Buffer.concat(a.chunks)),
      overLimit: a.overLimit,
      source: 'mime',
    };
  });

  // delivery reports and embedded messages
  const embedded: EmbeddedMessage[] = [];
  const forwardedTextByAttachment = new Map<number, string>();
  const digestChildText = new Map<MpNode, string>();
  const parseEmbedded = async (bytes: Buffer, attachmentIndex: number | null, headersOnly: boolean) => {
    if (depth + 1 > MAX_EMBED_DEPTH) {
      warnings.push('forwarded message nested too deep: not opened');
      return null;
    }
    try {
      const inner = await parseInternal(
        headersOnly ? Buffer.concat([bytes, Buffer.from('\r\n\r\n')]) : bytes,
        limits,
        depth + 1,
        onParser,
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
      warnings.push(`forwarded message could not be read: ${(err as Error).message}`);
      return null;
    }
  };

  let report: DeliveryReport | null = null;
  const flags = headerFlags(headers);
  const rootType = tree ? nodeType(tree) : '';
  if (rootType === 'multipart/report') {
    flags.reportType =
      (tree ? headerParam(tree, 'content-type', 'report-type') : null)?.toLowerCase() ?? null;
  }
  const mdnIndex = attachments.findIndex(
    (a) =>
      a.contentType === 'message/disposition-notification' ||
      a.contentType === 'message/global-disposition-notification',
  );
  const dsnIndex = attachments.findIndex(
    (a) => a.contentType === 'message/delivery-status' || a.contentType === 'message/global-delivery-status',
  );
  if (
    flags.reportType === 'delivery-status' ||
    flags.reportType === 'disposition-notification' ||
    mdnIndex >= 0 ||
    dsnIndex >= 0
  ) {
    flags.isDeliveryReport = true;
    const dsnText =
      dsnIndex >= 0 ? decodeUtf8Lenient(attachments[dsnIndex]?.content ?? new Uint8Array()) : '';
    const mdnText =
      mdnIndex >= 0 ? decodeUtf8Lenient(attachments[mdnIndex]?.content ?? new Uint8Array()) : '';
    const mdnFields = parseReportFields(mdnText).fields[0];
    report = {
      reportType: flags.reportType ?? (dsnIndex >= 0 ? 'delivery-status' : 'disposition-notification'),
      recipients: dsnText ? deliveryRecipients(dsnText) : [],
      originalMessageId: extractMessageIds(mdnFields?.get('original-message-id'))[0] ?? null,
      disposition: mdnFields?.get('disposition') ?? null,
    };
    if (report.recipients.length === 0 && mdnFields?.get('final-recipient')) {
      report.recipients.push({
        finalRecipient: addressOfField(mdnFields.get('final-recipient')),
        action: null,
        status: null,
        diagnosticCode: null,
      });
    }
  }

  for (let i = 0; i < attachments.length; i += 1) {
    const a = attachments[i] as MailAttachment;
    if (!a.content) continue;
    if (a.contentType === 'message/rfc822' || a.contentType === 'message/global') {
      const inner = await parseEmbedded(Buffer.from(a.content), i, false);
      // the message a delivery report returns is ours: kept as attachment and in `embedded`, not in the text
      const parent = nodeOfAttachment[i]?.parent;
      const returned = parent !== undefined && nodeType(parent) === 'multipart/report';
      if (inner && !returned) forwardedTextByAttachment.set(i, forwardedBlock(inner.mail, inner.rawDate));
    } else if (a.contentType === 'text/rfc822-headers' || a.contentType === 'message/global-headers') {
      await parseEmbedded(Buffer.from(a.content), i, true);
    }
  }
  // RFC 2046 5.1.5: in multipart/digest a part without Content-Type is message/rfc822
  const digestIndexes: { node: MpNode; index: number }[] = [];
  for (const n of collected.nodes) {
    if (
      n.parent &&
      nodeType(n.parent) === 'multipart/digest' &&
      !n.headers.has('content-type') &&
      !n.isAttachment
    ) {
      const bytes = Buffer.from(n.textContent ?? '', 'utf8');
      const index = attachments.length;
      attachments.push({
        filename: '',
        contentType: 'message/rfc822',
        size: bytes.length,
        contentId: null,
        inline: false,
        content: bytes.length > limits.maxAttachmentBytes ? null : new Uint8Array(bytes),
        overLimit: bytes.length > limits.maxAttachmentBytes,
        source: 'digest',
      });
      digestIndexes.push({ node: n, index });
    }
  }
  for (const { node, index } of digestIndexes) {
    const inner = await parseEmbedded(Buffer.from(node.textContent ?? '', 'utf8'), index, false);
    digestChildText.set(node, inner ? forwardedBlock(inner.mail, inner.rawDate) : (node.textContent ?? ''));
  }
  if (report && !report.originalMessageId) {
    report.originalMessageId = embedded.find((e) => e.messageId)?.messageId ?? null;
  }

  // text
  const ctx: Ctx = { attachmentIndexByNode, forwardedTextByAttachment, digestChildText, uuFiles: [] };
  let text = tree ? walk(tree, ctx, 0).text : '';
  for (const [index, block] of forwardedTextByAttachment) {
    // forwarded messages the tree walk did not reach (node/attachment order mismatch)
    if (![...attachmentIndexByNode.values()].includes(index)) text += `\n\n${block}`;
  }
  for (const f of ctx.uuFiles) {
    attachments.push({
      filename: safeFilename(f.filename),
      contentType: contentTypeFor(f.filename),
      size: f.content.length,
      contentId: null,
      inline: false,
      content: f.content.length > limits.maxAttachmentBytes ? null : new Uint8Array(f.content),
      overLimit: f.content.length > limits.maxAttachmentBytes,
      source: 'uuencode',
    });
    warnings.push(`uuencoded file "${f.filename}" taken out of the text as an attachment`);
  }
  text = cleanText(text);
  let truncated = false;
  if (text.length > limits.maxTextChars) {
    text = `${text.slice(0, limits.maxTextChars)}\n[…]`;
    truncated = true;
    warnings.push(`text cut at ${limits.maxTextChars} characters`);
  }

  // html
  const rawHtml = collected.html;
  const html = rawHtml !== null && !isBlank(rawHtml) ? sanitizeMailHtml(rawHtml) : null;

  // attachments: names, inline flags, limits
  const referenced = new Set<string>();
  if (rawHtml) {
    for (const m of rawHtml.matchAll(/\bcid:([^'"\s>)]+)/gi)) {
      try {
        referenced.add(decodeURIComponent(m[1] ?? '').toLowerCase());
      } catch {
        referenced.add((m[1] ?? '').toLowerCase());
      }
    }
  }
  attachments.forEach((a, i) => {
    const extra = partInfo[i] ?? { disposition: null, related: false };
    if (!a.filename) a.filename = `attachment-${i + 1}.${extensionFor(a.contentType)}`;
    const isImage = a.contentType.startsWith('image/');
    a.inline =
      (a.contentId !== null && referenced.has(a.contentId.toLowerCase())) ||
      (isImage && extra.disposition === 'inline') ||
      (isImage && extra.related === true && extra.disposition !== 'attachment');
    if (a.overLimit) {
      truncated = true;
      warnings.push(
        `attachment "${a.filename}" is ${formatBytes(a.size)}, over the ${formatBytes(limits.maxAttachmentBytes)} limit: kept in the raw message only`,
      );
    }
  });

  // addresses
  let from = addressesOf(headers, 'from').find((a) => a.address) ?? null;
  const sender = addressesOf(headers, 'sender').find((a) => a.address) ?? null;
  if (!from && sender && !headers.some((h) => h.name === 'from')) {
    from = sender;
    warnings.push('no From header: the Sender is used as the requester');
  }
  if (!from && headers.some((h) => h.name === 'from')) warnings.push('From header names no address');

  const rawDate = firstText(headers, 'date');
  const date = parseMailDate(rawDate);
  if (rawDate && !date) warnings.push(`unreadable Date header: ${rawDate.slice(0, 100)}`);

  const headerList = headers
    .slice(0, 500)
    .map((h) => ({ name: h.name, value: cleanHeaderText(h.binary).slice(0, 8192) }));

  const mail: ParsedMail = {
    messageId: messageIdOf(headers),
    from,
    replyTo: addressesOf(headers, 'reply-to').filter((a) => a.address),
    sender,
    to: addressesOf(headers, 'to').filter((a) => a.address),
    cc: addressesOf(headers, 'cc').filter((a) => a.address),
    subject: firstText(headers, 'subject') ?? '',
    date,
    text,
    html,
    attachments,
    inReplyTo: extractMessageIds(firstText(headers, 'in-reply-to')),
    references: allText(headers, 'references').flatMap((v) => extractMessageIds(v)),
    headers: flags,
    headerList,
    embedded,
    deliveryReport: report,
    truncated,
    warnings,
  };
  const headerCount = collected.headerLines.filter((l) => /^[!-9;-~]+[ \t]*:/.test(l.line)).length;
  return { mail, rawDate, headerCount };
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
