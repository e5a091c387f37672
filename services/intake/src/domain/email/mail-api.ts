/**
 * The mail routes IntakeApi serves: attachments and the quarantine's list and headers. None parses
 * mail; re-processing does, and is served apart (./reprocess.ts), so IntakeApi carries no MIME parser.
 */
import { assertRole, assertTenant, type Principal } from '@psa/http/auth';
import { NotFoundError } from '@psa/model/errors';
import { assertCanRead } from '../access.ts';
import { visibleMessages } from '../conversation/visibility.ts';
import type { EmailDeps } from './email-deps.ts';
import { attachmentKey } from './inbound-message.ts';

/** An attachment, for anyone who may see its ticket (the same 404 for everyone else). */
export async function downloadAttachment(
  cmd: { tenantId: string; ticketId: string; attachmentId: string; principal: Principal },
  deps: EmailDeps,
): Promise<{ name: string; contentType: string; content: Uint8Array }> {
  assertCanRead(cmd.principal, cmd.tenantId, await deps.tickets.get(cmd.tenantId, cmd.ticketId));
  // A file on a note is read only by those who may read the note.
  const messages = visibleMessages(cmd.principal, await deps.messages.list(cmd.tenantId, cmd.ticketId));
  const meta = messages.flatMap((m) => m.attachments).find((a) => a.id === cmd.attachmentId);
  if (!meta) throw new NotFoundError('attachment not found');
  if (!meta.stored)
    throw new NotFoundError(
      `attachment '${meta.name}' was over the size limit and is kept only in the raw message`,
    );
  const content = await deps.blobs.get(attachmentKey(cmd.tenantId, cmd.ticketId, cmd.attachmentId));
  if (!content) throw new NotFoundError('attachment not found');
  // Never let a browser render mail content inline as HTML from our origin.
  const contentType = /html|javascript|xml|svg/i.test(meta.contentType)
    ? 'application/octet-stream'
    : meta.contentType;
  return { name: meta.name, contentType, content };
}

export async function listQuarantine(
  cmd: { tenantId: string; principal: Principal; limit: number; cursor?: string },
  deps: EmailDeps,
) {
  assertTenant(cmd.principal, cmd.tenantId);
  assertRole(cmd.principal, ['internal'], 'read the mail quarantine');
  if (!(await deps.tenants.getDivisionOfWork(cmd.tenantId))) {
    throw new NotFoundError(`tenant ${cmd.tenantId} not found`);
  }
  const page = await deps.mail.listQuarantine(cmd.tenantId, cmd.limit, cmd.cursor);
  return {
    items: page.items.map(({ rawKey: _raw, tenantId: _t, ...q }) => q),
    nextCursor: page.nextCursor,
  };
}

/** The header block of a raw message shown at most (a header section is rarely over a few KB). */
export const MAX_HEADER_BYTES = 64 * 1024;

/** The raw header section of a message: everything before the first empty line. */
export function rawHeaders(raw: Uint8Array): { text: string; truncated: boolean } {
  const bytes = raw.subarray(0, MAX_HEADER_BYTES + 4);
  let end = bytes.length;
  for (let i = 0; i < bytes.length - 1; i++) {
    if (bytes[i] === 10 && (bytes[i + 1] === 10 || (bytes[i + 1] === 13 && bytes[i + 2] === 10))) {
      end = i;
      break;
    }
  }
  const truncated = end > MAX_HEADER_BYTES || (end === bytes.length && raw.length > bytes.length);
  // Headers are ASCII by RFC 5322; anything else (RFC 6532 UTF-8, or garbage) is shown as decoded.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(
    bytes.subarray(0, Math.min(end, MAX_HEADER_BYTES)),
  );
  return { text: text.replace(/\r\n/g, '\n').replace(/\r$/, ''), truncated };
}

/** One quarantined mail with its raw headers, for internal IT to judge before reprocessing. */
export async function getQuarantinedMail(
  cmd: { tenantId: string; id: string; principal: Principal },
  deps: EmailDeps,
) {
  assertTenant(cmd.principal, cmd.tenantId);
  assertRole(cmd.principal, ['internal'], 'read the mail quarantine');
  const entry = await deps.mail.getQuarantined(cmd.tenantId, cmd.id);
  if (!entry) throw new NotFoundError('quarantined mail not found');
  const raw = await deps.blobs.get(entry.rawKey);
  const { rawKey: _raw, tenantId: _t, ...shown } = entry;
  const headers = raw ? rawHeaders(raw) : { text: '', truncated: false };
  return { ...shown, headers: headers.text, headersTruncated: headers.truncated, rawAvailable: raw !== null };
}
