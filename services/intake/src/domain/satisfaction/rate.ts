/**
 * Satisfaction: the public rating endpoint a resolution mail's link leads to (./resolution-mail.ts
 * sends it). A token authorises one rating of one ticket, once, until it expires. The rating is
 * kept on the ticket, attributed to the side that owned it at resolution, with a TicketRated event
 * in the same write (reporting projects it).
 */
import { ConflictError, GoneError, NotFoundError } from '@psa/model/errors';
import { TicketRated, toBusEvent } from '@psa/model/events';
import { eventEntry } from '@psa/model/outbox';
import { hashRatingToken } from '@psa/model/satisfaction';
import type { Rating, Ticket } from '@psa/model/ticket';
import { type ChangeStatusDeps, writeWithRetry } from '../change-status.ts';
import type { ResolutionMailDeps } from './resolution-mail.ts';

export interface SatisfactionDeps extends ChangeStatusDeps, ResolutionMailDeps {}

/** What a rating link shows before it is used: which ticket, and whether it still works. */
export async function readRatingLink(token: string, deps: SatisfactionDeps) {
  const grant = await deps.ratings?.get(hashRatingToken(token));
  if (!grant) throw new NotFoundError('this rating link is not valid');
  const ticket = await deps.tickets.get(grant.tenantId, grant.ticketId);
  if (!ticket) throw new NotFoundError('this rating link is not valid');
  return { ticket, grant };
}

/** Rate a resolved ticket with a link's token: once per link, once per ticket, before it expires. */
export async function rateTicket(
  cmd: { token: string; rating: Rating; comment?: string },
  deps: SatisfactionDeps,
): Promise<{ key: string; rating: Rating }> {
  const { grant } = await readRatingLink(cmd.token, deps);
  const now = deps.clock.now();
  if (grant.usedAt) throw new GoneError('this rating link was already used; thank you');
  if (now.getTime() > Date.parse(grant.expiresAt)) throw new GoneError('this rating link has expired');
  if (!(await deps.ratings!.use(grant.tokenHash, now.toISOString())))
    throw new GoneError('this rating link was already used; thank you');
  const at = now.toISOString();
  const ticket = await writeWithRetry(grant.tenantId, grant.ticketId, deps, (stored) => {
    if (!stored) throw new NotFoundError('this rating link is not valid');
    if (stored.satisfaction) throw new ConflictError('this ticket was already rated');
    const next: Ticket = {
      ...stored,
      satisfaction: {
        rating: cmd.rating,
        comment: cmd.comment?.trim() || null,
        owner: grant.owner,
        workload: grant.workload,
        resolvedAt: grant.resolvedAt,
        ratedAt: at,
      },
      version: stored.version + 1,
    };
    const eventId = `${stored.id}:rated`;
    return {
      next,
      entries: [
        eventEntry(
          eventId,
          toBusEvent(TicketRated, {
            eventId,
            occurredAt: at,
            tenantId: stored.tenantId,
            ticketId: stored.id,
            rating: cmd.rating,
            owner: grant.owner,
            workload: grant.workload,
            resolvedAt: grant.resolvedAt,
            ratedAt: at,
          }),
        ),
      ],
    };
  });
  return { key: ticket.key, rating: cmd.rating };
}

/** The optional comment after a rating: once, with the same link, before it expires. */
export async function commentOnRating(
  cmd: { token: string; comment: string },
  deps: SatisfactionDeps,
): Promise<{ key: string }> {
  const { grant } = await readRatingLink(cmd.token, deps);
  const now = deps.clock.now();
  if (!grant.usedAt) throw new ConflictError('rate the ticket first');
  if (now.getTime() > Date.parse(grant.expiresAt)) throw new GoneError('this rating link has expired');
  if (!(await deps.ratings!.comment(grant.tokenHash, now.toISOString())))
    throw new GoneError('a comment was already added; thank you');
  const ticket = await writeWithRetry(grant.tenantId, grant.ticketId, deps, (stored) => {
    if (!stored?.satisfaction) throw new ConflictError('rate the ticket first');
    return {
      next: {
        ...stored,
        satisfaction: { ...stored.satisfaction, comment: cmd.comment.trim() || null },
        version: stored.version + 1,
      },
      entries: [],
    };
  });
  return { key: ticket.key };
}
