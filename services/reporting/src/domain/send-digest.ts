/**
 * The monthly digest: when a month's relief report is published (MonthlyReliefReport), each
 * tenant's digest recipients get one mail with the headline figures against their targets, the
 * largest changes from the month before, alert quality and the team pulse, and a link to the
 * dashboard of that month. Exactly once per tenant and month: a conditional marker carries the
 * mails in its outbox.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { digestRecipients } from '@psa/model/measures-settings';
import { previousMonth } from '@psa/model/month';
import { deliverOrDefer, mailEntry, type OutboxDeps } from '@psa/model/outbox';
import { buildDigest } from './digest.ts';
import { renderDigestHtml, renderDigestText } from './digest-mail.ts';
import { type ReportDeps, reliefWithTrend } from './read-reports.ts';

/**
 * Mail a closed month's digest to the tenant's recipients, exactly once: redelivered events and
 * concurrent runs race on the digest marker and only the first records (and sends) the mails.
 */
export async function sendMonthlyDigest(
  ref: { tenantId: string; month: string },
  deps: ReportDeps & OutboxDeps & { logger: Pick<Logger, 'warn' | 'info'>; webUrl?: string },
): Promise<{ sent: number }> {
  const dow = await deps.tenants.getDivisionOfWork(ref.tenantId);
  if (!dow) return { sent: 0 };
  const recipients = digestRecipients(dow);
  if (recipients.length === 0) return { sent: 0 };
  const [current, previous] = await Promise.all(
    [ref.month, previousMonth(ref.month)].map(async (m) => reliefWithTrend(dow, m, deps)),
  );
  const digest = buildDigest(dow, current!, previous!, deps.webUrl);
  const from = dow.supportAddresses[0]!;
  const domain = from.split('@')[1];
  const text = renderDigestText(digest);
  const html = renderDigestHtml(digest);
  const entries = recipients.map((to, i) =>
    mailEntry(`digest:${ref.month}:${to}`, {
      from,
      to,
      subject: `${dow.name}: the partnership in ${ref.month}`,
      text,
      html,
      messageId: `digest.${ref.month}.${ref.tenantId}.${i}@${domain}`,
    }),
  );
  const stored = await deps.reports.recordDigest(ref.tenantId, ref.month, entries);
  if (!stored) return { sent: 0 };
  await deliverOrDefer(stored, entries, deps, { tenantId: ref.tenantId, month: ref.month });
  return { sent: entries.length };
}
