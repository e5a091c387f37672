import type { Principal } from '@psa/http/auth';
import { TooManyRequestsError } from '@psa/model/errors';
import {
  DEFAULT_TICKET_RATE_LIMITS,
  type RateDecision,
  type RateLimiter,
  type TicketRateLimits,
} from '@psa/model/rate-limit';

/** What ticket creation counts against: one bucket per caller, per tenant, per mail sender. */
export interface RateLimitDeps {
  rateLimiter: RateLimiter;
  /** Defaults: {@link DEFAULT_TICKET_RATE_LIMITS}. */
  rateLimits?: Partial<TicketRateLimits>;
}

const limitsOf = (deps: RateLimitDeps): TicketRateLimits => ({
  ...DEFAULT_TICKET_RATE_LIMITS,
  ...deps.rateLimits,
});

/**
 * A ticket over the web API takes from its caller's bucket (a requester's is small, a staff or
 * integration token's larger) and from its tenant's; 429 with the seconds to wait when either is
 * empty. The caller's is taken first, so one flooding caller does not drain the tenant's.
 */
export async function takeWebTicketAllowance(
  principal: Principal,
  tenantId: string,
  deps: RateLimitDeps,
): Promise<void> {
  const limits = limitsOf(deps);
  const own = principal.role === 'requester' ? limits.perRequester : limits.perStaff;
  const caller = await deps.rateLimiter.take(`web:${tenantId}:${principal.sub}`, own);
  if (!caller.allowed) throw tooMany('this caller', own.capacity, caller);
  const tenant = await deps.rateLimiter.take(`tenant:${tenantId}`, limits.perTenant);
  if (!tenant.allowed) throw tooMany(`tenant ${tenantId}`, limits.perTenant.capacity, tenant);
}

/** A new ticket from mail takes from its sender's bucket; null when allowed, else why not. */
export async function takeMailTicketAllowance(
  tenantId: string,
  sender: string,
  deps: RateLimitDeps,
): Promise<string | null> {
  const limit = limitsOf(deps).perSender;
  const taken = await deps.rateLimiter.take(`mail:${tenantId}:${sender.toLowerCase()}`, limit);
  if (taken.allowed) return null;
  return `sender ${sender} opened more than ${limit.capacity} tickets in a short time (rate limit): re-process it once the flood is over`;
}

function tooMany(who: string, capacity: number, decision: Extract<RateDecision, { allowed: false }>) {
  const seconds = Math.max(1, Math.ceil(decision.retryAfterSeconds));
  return new TooManyRequestsError(
    `${who} opened more than ${capacity} tickets in a short time: retry after ${seconds} s`,
    seconds,
  );
}
