/**
 * The attachments of a message: the MIME parts mailparser emitted, the children of a
 * multipart/digest, and uuencoded files from the text; their names, inline flags and size limit.
 */
import { contentTypeFor, extensionFor, safeFilename } from './files.ts';
import type { Collected, MpNode } from './run-mailparser.ts';
import { nodeType } from './run-mailparser.ts';
import type { MailAttachment } from './types.ts';
import type { UuFile } from './uuencode.ts';

const MB = 1024 * 1024;

export function formatBytes(n: number): string {
  if (n >= MB && n % MB === 0) return `${n / MB} MB`;
  if (n >= MB) return `${(n / MB).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}

/** How a MIME part was marked, for deciding whether it is shown inline. */
type PartInfo = { disposition: string | null; related: boolean };

export type MimeAttachments = {
  attachments: MailAttachment[];
  partInfo: PartInfo[];
  /** The tree node of each attachment, by index; empty when nodes and attachments could not be paired. */
  nodeOfAttachment: MpNode[];
  attachmentIndexByNode: Map<MpNode, number>;
};

/** The attachments mailparser emitted, paired with their tree nodes when the counts agree. */
export function mimeAttachments(collected: Collected): MimeAttachments {
  const attachmentNodes = collected.nodes.filter((n) => n.isAttachment && !(n.children ?? []).length);
  // attachments are emitted in the order their nodes were created; pair them when the counts agree
  const nodeOfAttachment = attachmentNodes.length === collected.attachments.length ? attachmentNodes : [];
  const attachmentIndexByNode = new Map<MpNode, number>(nodeOfAttachment.map((n, i) => [n, i]));
  const partInfo = collected.attachments.map((a) => ({
    disposition: a.meta.contentDisposition?.toLowerCase() ?? null,
    related: a.meta.related === true,
  }));
  const attachments = collected.attachments.map((a): MailAttachment => {
    const cid = a.meta.cid ? a.meta.cid.trim() : null;
    return {
      filename: safeFilename(a.meta.filename),
      contentType: (a.meta.contentType || 'application/octet-stream').toLowerCase(),
      size: a.size,
      contentId: cid || null,
      inline: false,
      content: a.overLimit ? null : new Uint8Array(Buffer.concat(a.chunks)),
      overLimit: a.overLimit,
      source: 'mime',
    };
  });
  return { attachments, partInfo, nodeOfAttachment, attachmentIndexByNode };
}

/** RFC 2046 5.1.5: in multipart/digest a part without Content-Type is message/rfc822. */
export function digestChildren(nodes: MpNode[]): MpNode[] {
  return nodes.filter(
    (n) =>
      n.parent &&
      nodeType(n.parent) === 'multipart/digest' &&
      !n.headers.has('content-type') &&
      !n.isAttachment,
  );
}

function fromBytes(
  bytes: Buffer,
  meta: Pick<MailAttachment, 'filename' | 'contentType' | 'source'>,
  maxAttachmentBytes: number,
): MailAttachment {
  const overLimit = bytes.length > maxAttachmentBytes;
  return {
    ...meta,
    size: bytes.length,
    contentId: null,
    inline: false,
    content: overLimit ? null : new Uint8Array(bytes),
    overLimit,
  };
}

export function digestAttachment(bytes: Buffer, maxAttachmentBytes: number): MailAttachment {
  return fromBytes(
    bytes,
    { filename: '', contentType: 'message/rfc822', source: 'digest' },
    maxAttachmentBytes,
  );
}

export function uuencodedAttachment(f: UuFile, maxAttachmentBytes: number): MailAttachment {
  return fromBytes(
    f.content,
    { filename: safeFilename(f.filename), contentType: contentTypeFor(f.filename), source: 'uuencode' },
    maxAttachmentBytes,
  );
}

/** The cid: references of the raw HTML, lower-cased. */
function referencedContentIds(rawHtml: string | null): Set<string> {
  const referenced = new Set<string>();
  for (const m of rawHtml?.matchAll(/\bcid:([^'"\s>)]+)/gi) ?? []) {
    try {
      referenced.add(decodeURIComponent(m[1] ?? '').toLowerCase());
    } catch {
      referenced.add((m[1] ?? '').toLowerCase());
    }
  }
  return referenced;
}

/**
 * Names the nameless (`attachment-N.ext`), marks what the body shows inline (an image the HTML
 * references by cid:, or an inline or related image), and warns about each one over the limit.
 * Returns whether any was over the limit.
 */
export function finishAttachments(
  attachments: MailAttachment[],
  partInfo: PartInfo[],
  rawHtml: string | null,
  maxAttachmentBytes: number,
  warnings: string[],
): boolean {
  const referenced = referencedContentIds(rawHtml);
  let overLimit = false;
  attachments.forEach((a, i) => {
    const extra = partInfo[i] ?? { disposition: null, related: false };
    if (!a.filename) a.filename = `attachment-${i + 1}.${extensionFor(a.contentType)}`;
    const isImage = a.contentType.startsWith('image/');
    a.inline =
      (a.contentId !== null && referenced.has(a.contentId.toLowerCase())) ||
      (isImage && extra.disposition === 'inline') ||
      (isImage && extra.related === true && extra.disposition !== 'attachment');
    if (a.overLimit) {
      overLimit = true;
      warnings.push(
        `attachment "${a.filename}" is ${formatBytes(a.size)}, over the ${formatBytes(maxAttachmentBytes)} limit: kept in the raw message only`,
      );
    }
  });
  return overLimit;
}
