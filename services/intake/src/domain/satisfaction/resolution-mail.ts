/**
 * The resolution mail (./rate.ts has the rating itself): when a ticket is resolved, the requester
 * gets one-click links (good, okay, bad) into the web app, each carrying a single-use token that
 * works for {@link RATING_LINK_TTL_MS}; only the token's hash is stored.
 */
import type { Clock } from '@psa/model/clock';
import type { DivisionOfWork } from '@psa/model/division-of-work';
import { mailEntry } from '@psa/model/outbox';
import type { MessageStore, OutboxEntry, TenantStore } from '@psa/model/ports';
import {
  hashRatingToken,
  newRatingToken,
  RATING_LINK_TTL_MS,
  type RatingGrantStore,
} from '@psa/model/satisfaction';
import type { Rating, Ticket } from '@psa/model/ticket';
import { requesterAddress, threadHeaders, threadRootId, ticketSubject } from '../conversation/outgoing.ts';
import { isOwnAddress } from '../email/classify.ts';

export interface ResolutionMailDeps {
  clock: Clock;
  ratings?: RatingGrantStore;
  tenants?: TenantStore;
  messages?: MessageStore;
  /** Without the web app's origin there is no link to send, so no rating is asked for. */
  webUrl?: string;
}

/** The link for one rating; the token is in the path, never in a query a log might keep whole. */
export const ratingLink = (webUrl: string, token: string, rating: Rating) =>
  `${webUrl}/rate/${token}/${rating}`;

export function resolutionMailText(ticket: Ticket, dow: DivisionOfWork, webUrl: string, token: string) {
  return [
    `Hello${ticket.requester.name ? ` ${ticket.requester.name}` : ''},`,
    '',
    `Your ticket ${ticket.key} "${ticket.subject}" was resolved.`,
    '',
    'How did we do? One click is enough:',
    `  Good: ${ratingLink(webUrl, token, 'good')}`,
    `  Okay: ${ratingLink(webUrl, token, 'okay')}`,
    `  Bad:  ${ratingLink(webUrl, token, 'bad')}`,
    '',
    `The links work once, for ${RATING_LINK_TTL_MS / (24 * 3600 * 1000)} days.`,
    `If it is not solved, reply to this email and keep [${ticket.key}] in the subject.`,
    '',
    `${dow.name} IT support`,
  ].join('\n');
}

/**
 * Before a ticket is resolved: issue a rating grant and return the resolution mail to commit
 * with the change, or nothing when no rating is owed (already rated, no web app, an address of
 * this system's own, a ticket the caller cannot resolve: the change itself then decides).
 */
export async function prepareResolutionMail(
  ticket: Ticket | null,
  deps: ResolutionMailDeps,
): Promise<((current: Ticket) => OutboxEntry[]) | undefined> {
  const { ratings, tenants, messages, webUrl } = deps;
  if (!ticket || ticket.satisfaction || !ratings || !tenants || !messages || !webUrl) return undefined;
  const dow = await tenants.getDivisionOfWork(ticket.tenantId);
  if (!dow || isOwnAddress(requesterAddress(ticket), dow.supportAddresses)) return undefined;
  const token = newRatingToken();
  const now = deps.clock.now();
  // Issued first: a link is never mailed before it works. A grant whose change then fails expires unused.
  await ratings.issue({
    tokenHash: hashRatingToken(token),
    tenantId: ticket.tenantId,
    ticketId: ticket.id,
    owner: ticket.owner,
    workload: ticket.workload,
    resolvedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + RATING_LINK_TTL_MS).toISOString(),
    usedAt: null,
    commentedAt: null,
  });
  const support = dow.supportAddresses[0]!;
  const conversation = await messages.list(ticket.tenantId, ticket.id);
  return (current) => [
    mailEntry(`${current.id}:resolved:v${current.version + 1}`, {
      from: support,
      to: requesterAddress(current),
      subject: `Re: ${ticketSubject(current)}`,
      text: resolutionMailText(current, dow, webUrl, token),
      messageId: `resolved.${current.id}.v${current.version + 1}@${threadRootId(current, support).split('@')[1]}`,
      ...threadHeaders(current, conversation, support),
    }),
  ];
}
