/**
 * Rates at which tickets may be opened: a token bucket per key (a caller, a tenant, a mail
 * sender). A bucket holds at most `capacity` tickets and refills at `refillPerSecond`, so a burst
 * of `capacity` passes, and then one ticket per `1 / refillPerSecond` seconds. The buckets live in
 * the table (so every Lambda instance counts against the same one) and expire once full again.
 */

export interface RateLimit {
  /** Tickets that may be opened at once. */
  capacity: number;
  /** Tickets the bucket regains per second. */
  refillPerSecond: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Takes one ticket's worth from the bucket of `key`, or says when one will be there. */
export interface RateLimiter {
  take(key: string, limit: RateLimit): Promise<RateDecision>;
}

export interface TicketRateLimits {
  /** One requester's token (a person): 30 at once, then one a minute. */
  perRequester: RateLimit;
  /** One staff or integration token (internal, partner): 600 at once, then five a second. */
  perStaff: RateLimit;
  /** One tenant, all callers together: 3,000 at once, then twenty a second. */
  perTenant: RateLimit;
  /** One mail sender (its address), per tenant: 60 new tickets at once, then one a minute. */
  perSender: RateLimit;
}

/**
 * Generous for people and for the local bench alike (500 tickets from one token at full speed),
 * and still a ceiling for a runaway script or a mail flood. A tenant may need others: pass them
 * as `rateLimits` in the intake deps.
 */
export const DEFAULT_TICKET_RATE_LIMITS: TicketRateLimits = {
  perRequester: { capacity: 30, refillPerSecond: 1 / 60 },
  perStaff: { capacity: 600, refillPerSecond: 5 },
  perTenant: { capacity: 3000, refillPerSecond: 20 },
  perSender: { capacity: 60, refillPerSecond: 1 / 60 },
};
