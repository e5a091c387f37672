import { createHash, randomBytes } from 'node:crypto';
import type { Owner } from './ticket.ts';

/**
 * Satisfaction ratings: the link in a resolution mail carries a random token; only its SHA-256
 * is stored, so the table alone never lets anyone rate. The token is not a bearer token: it
 * authorises exactly one rating of one ticket, once, until it expires.
 */

/** How long a rating link works after the resolution mail: 14 days. */
export const RATING_LINK_TTL_MS = 14 * 24 * 3600 * 1000;

/** 32 random bytes, base64url: 256 bits, not guessable. */
export const newRatingToken = (): string => randomBytes(32).toString('base64url');

export const hashRatingToken = (token: string): string =>
  createHash('sha256').update(token, 'utf8').digest('hex');

/** What is stored of an issued rating link (never the token itself). */
export interface RatingGrant {
  tokenHash: string;
  tenantId: string;
  ticketId: string;
  /** The side that owned the ticket when it was resolved: the rating is attributed to it. */
  owner: Owner | null;
  workload: string | null;
  resolvedAt: string;
  expiresAt: string;
  /** When the rating link was used; null while unused. */
  usedAt: string | null;
  /** When the optional comment was added; null until then. */
  commentedAt: string | null;
}

export interface RatingGrantStore {
  issue(grant: RatingGrant): Promise<void>;
  get(tokenHash: string): Promise<RatingGrant | null>;
  /** Mark the grant used; false when it was used already (the one use is taken atomically). */
  use(tokenHash: string, at: string): Promise<boolean>;
  /** Take the one comment a used grant allows; false when it was taken already or never used. */
  comment(tokenHash: string, at: string): Promise<boolean>;
}
