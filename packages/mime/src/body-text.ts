/**
 * The readable text of a message, assembled from the MIME tree: text/plain preferred in a
 * multipart/alternative, the HTML converted otherwise, the root of a multipart/related, the inline
 * parts of a multipart/mixed in order, forwarded messages as "Forwarded message" blocks where they
 * stood, uuencoded files taken out of the text.
 */
import { replaceControlChars } from './charset.ts';
import { htmlToReadableText } from './html.ts';
import { headerParam, type MpNode, nodeType } from './run-mailparser.ts';
import type { MailAddress, ParsedMail } from './types.ts';
import { extractUuencoded, type UuFile } from './uuencode.ts';

/** Text of one forwarded message kept in the body, in characters. */
const MAX_EMBEDDED_TEXT = 200_000;

/** What the tree walk needs to know about parts read elsewhere. */
export type BodyParts = {
  /** Attachment index of each attachment node (when nodes and attachments could be paired). */
  attachmentIndexByNode: Map<MpNode, number>;
  /** The forwarded-message block of each message/rfc822 attachment, by attachment index. */
  forwardedTextByAttachment: Map<number, string>;
  /** The text of each child of a multipart/digest. */
  digestChildText: Map<MpNode, string>;
};

type Walk = BodyParts & { uuFiles: UuFile[] };
type Piece = { text: string; plain: boolean };

export function isBlank(s: string): boolean {
  return s.replace(/\s|\u00a0|\u200b|\u200c|\u200d|\ufeff/g, '') === '';
}

function walk(n: MpNode, ctx: Walk, depth: number): Piece {
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

function cleanText(s: string): string {
  return replaceControlChars(s.replace(/\r\n?/g, '\n'), '', true)
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{4,}/g, '\n\n\n')
    .replace(/^\s*\n/, '')
    .trimEnd();
}

/** The readable text of the tree (not yet cut to a limit), and the uuencoded files taken out of it. */
export function readableText(tree: MpNode | null, parts: BodyParts): { text: string; uuFiles: UuFile[] } {
  const ctx: Walk = { ...parts, uuFiles: [] };
  let text = tree ? walk(tree, ctx, 0).text : '';
  const reached = new Set(parts.attachmentIndexByNode.values());
  for (const [index, block] of parts.forwardedTextByAttachment) {
    // forwarded messages the tree walk did not reach (node/attachment order mismatch)
    if (!reached.has(index)) text += `\n\n${block}`;
  }
  return { text: cleanText(text), uuFiles: ctx.uuFiles };
}

/** A forwarded message as it is shown in the body of the message that carries it. */
export function forwardedBlock(m: ParsedMail, rawDate: string | null): string {
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
