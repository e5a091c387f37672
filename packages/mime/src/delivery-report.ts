/**
 * Delivery status notifications (RFC 3464) and message disposition notifications (RFC 8098):
 * whether a message is one, and the recipients and original Message-ID it reports on.
 */
import { decodeUtf8Lenient } from './charset.ts';
import { extractMessageIds } from './headers.ts';
import { headerParam, type MpNode, nodeType } from './run-mailparser.ts';
import type { DeliveryReport, DeliveryReportRecipient, MailAttachment, MailHeaderFlags } from './types.ts';

function parseReportFields(text: string): Map<string, string>[] {
  // groups separated by blank lines; continuation lines folded
  return text
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
}

function addressOfField(v: string | undefined): string | null {
  if (!v) return null;
  const s = v.replace(/^[a-z0-9-]+\s*;\s*/i, '').trim();
  return s.replace(/^<|>$/g, '') || null;
}

function deliveryRecipients(text: string): DeliveryReportRecipient[] {
  const out: DeliveryReportRecipient[] = [];
  for (const f of parseReportFields(text)) {
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

const contentOf = (a: MailAttachment | undefined): string =>
  a ? decodeUtf8Lenient(a.content ?? new Uint8Array()) : '';

/**
 * The report this message is, or null. Sets `flags.reportType` (from a top-level multipart/report)
 * and `flags.isDeliveryReport`. The original Message-ID may still be null here: the caller fills
 * it in from the returned message once that is parsed.
 */
export function readDeliveryReport(
  flags: MailHeaderFlags,
  tree: MpNode | null,
  attachments: MailAttachment[],
): DeliveryReport | null {
  if (tree && nodeType(tree) === 'multipart/report') {
    flags.reportType = headerParam(tree, 'content-type', 'report-type')?.toLowerCase() ?? null;
  }
  const mdn = attachments.find(
    (a) =>
      a.contentType === 'message/disposition-notification' ||
      a.contentType === 'message/global-disposition-notification',
  );
  const dsn = attachments.find(
    (a) => a.contentType === 'message/delivery-status' || a.contentType === 'message/global-delivery-status',
  );
  if (
    flags.reportType !== 'delivery-status' &&
    flags.reportType !== 'disposition-notification' &&
    !mdn &&
    !dsn
  ) {
    return null;
  }
  flags.isDeliveryReport = true;
  const dsnText = contentOf(dsn);
  const mdnFields = parseReportFields(contentOf(mdn))[0];
  const report: DeliveryReport = {
    reportType: flags.reportType ?? (dsn ? 'delivery-status' : 'disposition-notification'),
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
  return report;
}
