/**
 * Re-processing a quarantined mail: the one mail route that parses mail, so it is served by its own
 * function (IntakeReprocessApi, ../../reprocess-app.ts) and the MIME parser stays out of IntakeApi.
 */
import { assertRole, assertTenant, type Principal } from '@psa/http/auth';
import { NotFoundError } from '@psa/model/errors';
import type { EmailDeps } from './email-deps.ts';
import { receiveForTenant } from './receive-email.ts';

/** Run a quarantined mail through intake again, e.g. after raising a limit. */
export async function reprocessQuarantined(
  cmd: { tenantId: string; id: string; principal: Principal },
  deps: EmailDeps,
) {
  assertTenant(cmd.principal, cmd.tenantId);
  assertRole(cmd.principal, ['internal'], 're-process quarantined mail');
  const entry = await deps.mail.getQuarantined(cmd.tenantId, cmd.id);
  const dow = await deps.tenants.getDivisionOfWork(cmd.tenantId);
  if (!entry || !dow) throw new NotFoundError('quarantined mail not found');
  const raw = await deps.blobs.get(entry.rawKey);
  if (!raw) throw new NotFoundError('the raw message is gone');
  const result = await receiveForTenant(raw, entry.rawKey, dow, deps, { reprocess: true });
  if (result.outcome !== 'quarantined') await deps.mail.markReprocessed(cmd.tenantId, cmd.id);
  return {
    outcome: result.outcome,
    ...('ticketId' in result ? { ticketId: result.ticketId } : {}),
    ...('reason' in result ? { reason: result.reason } : {}),
  };
}
