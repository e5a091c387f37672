/**
 * Runs mailparser over one raw message and collects what the rest of the package reads: the MIME
 * tree, the raw header lines, the HTML, and the attachment streams.
 *
 * Why this reaches into mailparser's private internals (`createNode`, `decoder`, `tree`,
 * `headerLines`, see node_modules/mailparser/dist/esm/mail-parser.js): its public output is one
 * flattened text, one HTML and a list of attachments, which loses what the helpdesk needs:
 * - the MIME tree, so ./body-text.ts can pick text/plain in an alternative, the root of a
 *   multipart/related, and put forwarded messages where they stood;
 * - the bytes of each text part, so ./charset.ts can repair what iconv-lite decodes wrongly
 *   (UTF-8 with stray bytes, Latin-1 labelled UTF-8, UTF-7);
 * - named text parts after the first of a multipart/mixed, which are files, not body text.
 * Private internals can change in any release, so package.json pins mailparser exactly (no caret):
 * an upgrade is a deliberate change. Guarded by test/mailparser-internals.test.ts (the pin, the
 * hooks, and one behaviour of each), and by the charset and body tests in mail-parse.test.ts and
 * the corpus in mail-parse-corpus.test.ts.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { type AttachmentStream, type HeaderLines, MailParser } from 'mailparser';
import { decodeBytes, decodeUtf8Lenient, isKnownCharset } from './charset.ts';

/** A node of mailparser's MIME tree (the fields read here). */
export type MpNode = {
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

export type CollectedAttachment = {
  meta: AttachmentStream;
  chunks: Buffer[];
  size: number;
  overLimit: boolean;
};

export type Collected = {
  tree: MpNode | null;
  headerLines: HeaderLines;
  html: string | null;
  attachments: CollectedAttachment[];
  /** Nodes in the order mailparser created them. */
  nodes: MpNode[];
};

const CHARSET_MARK = 'x-psa-charset;';
const TEXT_TYPES = new Set(['text/plain', 'text/html']);

export function nodeType(n: MpNode): string {
  return typeof n.contentType === 'string' ? n.contentType.toLowerCase() : '';
}

export function headerParam(n: MpNode, header: string, param: string): string | null {
  const v = n.headers.get(header) as { params?: Record<string, string> } | undefined;
  const p = v?.params?.[param];
  return typeof p === 'string' ? p : null;
}

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

/** A message with more MIME parts than the limit: refused (and so quarantined), never walked. */
export class TooManyPartsError extends Error {}

/**
 * mailparser's splitter (@zone-eu/mailsplit) refuses a message of more than 1,000 nodes with its
 * own error, and may get there before the tree does: the same refusal, said the same way.
 */
const SPLITTER_MAX_NODES = 1000;
const SPLITTER_TOO_MANY = 'Max allowed child nodes exceeded';

/**
 * Records every node, marks text parts for our decoder, and turns named follow-up text parts into
 * files; calls `onTooMany` once the message has more than `maxParts` nodes.
 */
function hookCreateNode(
  parser: MailParser,
  internals: MpInternals,
  nodes: MpNode[],
  maxParts: number,
  onTooMany: () => void,
): void {
  const createNode = internals.createNode.bind(parser);
  internals.createNode = (data: unknown): MpNode => {
    const n = createNode(data);
    nodes.push(n);
    if (nodes.length === maxParts + 1) onTooMany();
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
}

/** Text parts marked by hookCreateNode are decoded by ./charset.ts; everything else as before. */
function hookDecoder(internals: MpInternals): void {
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
}

/**
 * Parses `buf` with mailparser. Attachment content over `maxAttachmentBytes` is counted but not
 * kept. `onParser` receives the parser so the caller can destroy it on a timeout.
 */
export function runMailparser(
  buf: Buffer,
  maxAttachmentBytes: number,
  onParser: (p: MailParser) => void,
  maxParts = Number.POSITIVE_INFINITY,
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
    const attachments: CollectedAttachment[] = [];
    let html: string | null = null;
    let settled = false;
    const tooMany = () =>
      new TooManyPartsError(`the message has more than ${Math.min(maxParts, SPLITTER_MAX_NODES)} MIME parts`);
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      if (err instanceof Error && err.message === SPLITTER_TOO_MANY) reject(tooMany());
      else reject(err instanceof Error ? err : new Error(String(err)));
    };
    hookCreateNode(parser, internals, nodes, maxParts, () => {
      fail(tooMany());
      parser.destroy();
    });
    hookDecoder(internals);

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
