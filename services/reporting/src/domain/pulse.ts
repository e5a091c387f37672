/**
 * The internal team pulse: the monthly invitations (a one-time link each), the answer through the
 * API (internal IT, signed in) or through the link (no sign-in: the token authorises one answer
 * for one person and month), and the month's summary for the relief report.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { assertRole, assertTenant, type Principal } from '@psa/http/auth';
import type { Clock } from '@psa/model/clock';
import type { DivisionOfWork } from '@psa/model/division-of-work';
import { ConflictError, GoneError, NotFoundError, ValidationError } from '@psa/model/errors';
import { pulseRecipients } from '@psa/model/measures-settings';
import { monthOf, previousMonth } from '@psa/model/month';
import { deliverOrDefer, mailEntry, type OutboxDeps } from '@psa/model/outbox';
import type { TenantStore } from '@psa/model/ports';
import {
  hashPulseToken,
  newPulseToken,
  PULSE_FROM_DAY,
  PULSE_LINK_TTL_MS,
  PULSE_QUESTION,
  PULSE_SCALE,
  type PulseAnswer,
  type PulseScore,
  type PulseStore,
  pulseSummary,
} from '@psa/model/pulse';

export interface PulseDeps {
  tenants: TenantStore;
  pulse: PulseStore;
  clock: Clock;
}

/** The link of one invitation; the token is in the path, like a rating link's. */
export const pulseLink = (webUrl: string, token: string) => `${webUrl}/pulse/${token}`;

/** Months an answer may be for: the current one, and the one before (late answers after the 1st). */
function answerableMonths(now: Date, dow: DivisionOfWork): string[] {
  const current = monthOf(now, dow.timeZone);
  return [current, previousMonth(current)];
}

async function keep(
  answer: Omit<PulseAnswer, 'answeredAt'>,
  deps: PulseDeps,
): Promise<{ answer: PulseAnswer; created: boolean }> {
  const { stored, created } = await deps.pulse.answer({
    ...answer,
    answeredAt: deps.clock.now().toISOString(),
  });
  // The same answer again is a retry: answered. Another one for the month is refused.
  if (!created && (stored.score !== answer.score || stored.comment !== answer.comment))
    throw new ConflictError(`you already answered the pulse for ${answer.month}`);
  return { answer: stored, created };
}

/** `POST pulse`: internal IT answers for itself, once per month (the same answer again is fine). */
export async function answerPulse(
  cmd: { tenantId: string; principal: Principal; month?: string; score: PulseScore; comment?: string },
  deps: PulseDeps,
) {
  assertTenant(cmd.principal, cmd.tenantId);
  assertRole(cmd.principal, ['internal'], 'answer the team pulse');
  if (!cmd.principal.email) throw new ValidationError('the pulse needs a signed-in person with an email');
  const dow = await deps.tenants.getDivisionOfWork(cmd.tenantId);
  if (!dow) throw new NotFoundError(`tenant ${cmd.tenantId} not found`);
  const months = answerableMonths(deps.clock.now(), dow);
  const month = cmd.month ?? months[0]!;
  if (!months.includes(month))
    throw new ValidationError(`the pulse takes answers for ${months.join(' or ')} only`, [
      { path: 'month', message: `must be ${months.join(' or ')}` },
    ]);
  return keep(
    {
      tenantId: cmd.tenantId,
      month,
      email: cmd.principal.email,
      score: cmd.score,
      comment: cmd.comment?.trim() || null,
    },
    deps,
  );
}

/** `GET pulse`: the question and the caller's own answer of a month (null before answering). */
export async function readPulse(
  cmd: { tenantId: string; principal: Principal; month?: string },
  deps: PulseDeps,
) {
  assertTenant(cmd.principal, cmd.tenantId);
  assertRole(cmd.principal, ['internal'], 'answer the team pulse');
  const dow = await deps.tenants.getDivisionOfWork(cmd.tenantId);
  if (!dow) throw new NotFoundError(`tenant ${cmd.tenantId} not found`);
  const month = cmd.month ?? monthOf(deps.clock.now(), dow.timeZone);
  const answer = cmd.principal.email ? await deps.pulse.get(cmd.tenantId, month, cmd.principal.email) : null;
  return { month, question: PULSE_QUESTION, scale: PULSE_SCALE, answer };
}

async function grantOf(token: string, deps: PulseDeps) {
  const grant = await deps.pulse.getGrant(hashPulseToken(token));
  if (!grant) throw new NotFoundError('this pulse link is not valid');
  return grant;
}

/** What an invitation link shows before it is used. */
export async function readPulseLink(token: string, deps: PulseDeps) {
  const grant = await grantOf(token, deps);
  const dow = await deps.tenants.getDivisionOfWork(grant.tenantId);
  const answer = await deps.pulse.get(grant.tenantId, grant.month, grant.email);
  return {
    tenant: dow?.name ?? grant.tenantId,
    month: grant.month,
    question: PULSE_QUESTION,
    scale: PULSE_SCALE,
    answered: answer !== null,
    expired: deps.clock.now().getTime() > Date.parse(grant.expiresAt),
  };
}

/** Answer with an invitation link: the link's person and month, once, before it expires. */
export async function answerPulseLink(
  cmd: { token: string; score: PulseScore; comment?: string },
  deps: PulseDeps,
) {
  const grant = await grantOf(cmd.token, deps);
  if (deps.clock.now().getTime() > Date.parse(grant.expiresAt))
    throw new GoneError('this pulse link has expired');
  const { answer, created } = await keep(
    {
      tenantId: grant.tenantId,
      month: grant.month,
      email: grant.email,
      score: cmd.score,
      comment: cmd.comment?.trim() || null,
    },
    deps,
  ).catch((err: unknown) => {
    if (err instanceof ConflictError)
      throw new GoneError('this month’s pulse was already answered; thank you');
    throw err;
  });
  return { month: answer.month, score: answer.score, created };
}

/** The month's pulse for the relief report. */
export async function pulseOfMonth(dow: DivisionOfWork, month: string, deps: Pick<PulseDeps, 'pulse'>) {
  return pulseSummary(await deps.pulse.list(dow.tenantId, month), pulseRecipients(dow).length);
}

export function pulseMailText(dow: DivisionOfWork, month: string, link: string): string {
  return [
    'Hello,',
    '',
    `One question for ${month}, one minute of your time:`,
    '',
    `  ${PULSE_QUESTION}`,
    '',
    ...Object.entries(PULSE_SCALE).map(([score, text]) => `  ${score} = ${text}`),
    '',
    `Answer here (an optional comment too): ${link}`,
    '',
    `The link is yours alone and works once, for ${PULSE_LINK_TTL_MS / (24 * 3600 * 1000)} days. You can also`,
    'answer in the console. Leadership sees the team’s mean, the count and the comments, not who said what.',
    '',
    `${dow.name} co-managed IT`,
  ].join('\n');
}

/**
 * Hourly: from the {@link PULSE_FROM_DAY}th of a month (tenant time zone) on, ask each tenant's
 * internal IT people the month's pulse question, once per tenant and month (a conditional marker
 * carries the mails in its outbox). Links are issued before the mails are recorded, so a mail
 * never carries a link that does not work; links of a run that lost the race expire unused.
 */
export async function sendPulseSurveys(
  deps: PulseDeps & OutboxDeps & { logger: Pick<Logger, 'warn' | 'info'>; webUrl?: string },
): Promise<string[]> {
  const sent: string[] = [];
  if (!deps.webUrl) return sent;
  for (const tenantId of await deps.tenants.listTenants()) {
    const dow = await deps.tenants.getDivisionOfWork(tenantId);
    if (!dow) continue;
    const now = deps.clock.now();
    const month = monthOf(now, dow.timeZone);
    const day = Number(
      new Intl.DateTimeFormat('en-US', { timeZone: dow.timeZone, day: 'numeric' }).format(now),
    );
    if (day < PULSE_FROM_DAY || (await deps.pulse.hasInvited(tenantId, month))) continue;
    const recipients = pulseRecipients(dow);
    const from = dow.supportAddresses[0]!;
    const domain = from.split('@')[1];
    const entries = [];
    for (const email of recipients) {
      const token = newPulseToken();
      await deps.pulse.issueGrant({
        tokenHash: hashPulseToken(token),
        tenantId,
        month,
        email,
        expiresAt: new Date(now.getTime() + PULSE_LINK_TTL_MS).toISOString(),
      });
      entries.push(
        mailEntry(`pulse:${month}:${email}`, {
          from,
          to: email,
          subject: `Team pulse for ${month}: one question`,
          text: pulseMailText(dow, month, pulseLink(deps.webUrl, token)),
          messageId: `pulse.${month}.${hashPulseToken(email).slice(0, 16)}@${domain}`,
        }),
      );
    }
    const ref = await deps.pulse.recordInvitations(tenantId, month, entries);
    if (!ref) continue;
    await deliverOrDefer(ref, entries, deps, { tenantId, month });
    sent.push(`${tenantId}/${month}`);
  }
  return sent;
}
