import { createHash, randomBytes } from 'node:crypto';
import type { OutboxEntry, OutboxRef } from './ports.ts';

/**
 * The internal team pulse: once a month each internal IT person is asked one question, answered
 * 1 to 5 with an optional comment, at most once per person and month. The invitation mail carries
 * a one-time link like a rating link: a random token of which only the SHA-256 is stored.
 */

export const PULSE_QUESTION =
  'This month, did the partnership give you more time for planned and strategic work?';

/** What each score means, for the mail, the page and the report. */
export const PULSE_SCALE: Record<PulseScore, string> = {
  1: 'No, less time',
  2: 'A little less',
  3: 'About the same',
  4: 'A little more',
  5: 'Yes, much more time',
};

export type PulseScore = 1 | 2 | 3 | 4 | 5;

/** The invitations go out from this day of the month (tenant time zone) on, once per month. */
export const PULSE_FROM_DAY = 25;

/** How long an invitation link works: into the first days of the next month. */
export const PULSE_LINK_TTL_MS = 14 * 24 * 3600 * 1000;

export const newPulseToken = (): string => randomBytes(32).toString('base64url');
export const hashPulseToken = (token: string): string =>
  createHash('sha256').update(`pulse:${token}`, 'utf8').digest('hex');

/** One person's answer for one month. */
export interface PulseAnswer {
  tenantId: string;
  month: string;
  email: string;
  score: PulseScore;
  comment: string | null;
  answeredAt: string;
}

/** What is stored of an invitation link (never the token itself). */
export interface PulseGrant {
  tokenHash: string;
  tenantId: string;
  month: string;
  email: string;
  expiresAt: string;
}

export interface PulseStore {
  /**
   * Keep an answer unless the person already answered that month; returns the stored answer
   * (the given one, or the earlier one) and whether this call wrote it.
   */
  answer(answer: PulseAnswer): Promise<{ stored: PulseAnswer; created: boolean }>;
  get(tenantId: string, month: string, email: string): Promise<PulseAnswer | null>;
  list(tenantId: string, month: string): Promise<PulseAnswer[]>;
  issueGrant(grant: PulseGrant): Promise<void>;
  getGrant(tokenHash: string): Promise<PulseGrant | null>;
  /** Whether a month's invitations went out already. */
  hasInvited(tenantId: string, month: string): Promise<boolean>;
  /** Record a month's invitations with their mails in its outbox, once; null if recorded already. */
  recordInvitations(tenantId: string, month: string, outbox: OutboxEntry[]): Promise<OutboxRef | null>;
}

/** The month's pulse as reports show it: count, mean, distribution and the comments (no names). */
export function pulseSummary(answers: readonly PulseAnswer[], asked: number) {
  const distribution = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  for (const a of answers) distribution[String(a.score) as keyof typeof distribution]++;
  const total = answers.reduce((n, a) => n + a.score, 0);
  return {
    question: PULSE_QUESTION,
    count: answers.length,
    asked,
    mean: answers.length ? Math.round((total / answers.length) * 100) / 100 : null,
    distribution,
    // Sorted, so the order says nothing about who answered when.
    comments: answers.flatMap((a) => (a.comment ? [a.comment] : [])).sort(),
  };
}
export type PulseSummary = ReturnType<typeof pulseSummary>;
