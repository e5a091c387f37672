import type { Logger } from '@aws-lambda-powertools/logger';
import type { Principal } from '@psa/http/auth';
import type { Clock } from '@psa/model/clock';
import { ConflictError } from '@psa/model/errors';
import { TicketStatusChanged, toBusEvent } from '@psa/model/events';
import { type Change, commitWithRetry, eventEntry, type OutboxDeps } from '@psa/model/outbox';
import type { OutboxEntry, TicketStore } from '@psa/model/ports';
import { canTransition, RESPONDED_STATUSES, type Ticket, type TicketStatus } from '@psa/model/ticket';
import { assertCanRead, assertCanUpdate } from './access.ts';
import { prepareResolutionMail, type ResolutionMailDeps } from './satisfaction/resolution-mail.ts';

export interface ChangeStatusDeps extends OutboxDeps {
  tickets: TicketStore;
  clock: Clock;
  logger: Pick<Logger, 'warn'>;
}

/**
 * Move a ticket through its lifecycle. The change and its TicketStatusChanged event are one
 * conditional write (guarded by the ticket's version); a concurrent writer makes us re-read and
 * re-check, never overwrite.
 */
export async function changeStatus(
  cmd: { tenantId: string; ticketId: string; principal: Principal; status: TicketStatus; note?: string },
  deps: ChangeStatusDeps & ResolutionMailDeps,
): Promise<Ticket> {
  const by = { role: cmd.principal.role, ...(cmd.principal.email ? { email: cmd.principal.email } : {}) };
  const check = (ticket: Ticket | null) => {
    const current = assertCanRead(cmd.principal, cmd.tenantId, ticket);
    assertCanUpdate(cmd.principal, current);
    return current;
  };
  // A resolution asks the requester for a rating (./satisfaction.ts), in the same write.
  let more: ((current: Ticket) => OutboxEntry[]) | undefined;
  if (cmd.status === 'resolved') {
    const stored = await deps.tickets.get(cmd.tenantId, cmd.ticketId);
    const allowed = (() => {
      try {
        return check(stored);
      } catch {
        return null; // the change itself answers for it
      }
    })();
    if (allowed && canTransition(allowed.status, 'resolved'))
      more = await prepareResolutionMail(allowed, deps);
  }
  return transitionTicket({ ...cmd, by }, deps, check, more);
}

/**
 * The lifecycle step itself, for callers that have already decided it is allowed (the API after
 * its access checks; email intake when a requester's reply resumes a ticket waiting on them).
 * `check` sees the freshly read ticket on every attempt.
 */
export async function transitionTicket(
  cmd: {
    tenantId: string;
    ticketId: string;
    status: TicketStatus;
    note?: string;
    by: Ticket['history'][number]['by'];
  },
  deps: ChangeStatusDeps,
  check: (ticket: Ticket | null) => Ticket,
  more?: (current: Ticket) => OutboxEntry[],
): Promise<Ticket> {
  const by = cmd.by;
  return writeWithRetry(cmd.tenantId, cmd.ticketId, deps, (stored) => {
    const current = check(stored);
    if (!canTransition(current.status, cmd.status)) {
      throw new ConflictError(`cannot move a ticket from '${current.status}' to '${cmd.status}'`);
    }
    const at = deps.clock.now().toISOString();
    const next: Ticket = {
      ...current,
      status: cmd.status,
      updatedAt: at,
      firstRespondedAt: current.firstRespondedAt ?? (RESPONDED_STATUSES.has(cmd.status) ? at : null),
      resolvedAt:
        cmd.status === 'reopened'
          ? null
          : (current.resolvedAt ?? (cmd.status === 'resolved' || cmd.status === 'closed' ? at : null)),
      history: [
        ...current.history,
        { from: current.status, to: cmd.status, at, by, ...(cmd.note ? { note: cmd.note } : {}) },
      ],
      version: current.version + 1,
    };
    const eventId = `${current.id}:v${next.version}`;
    return {
      next,
      entries: [
        eventEntry(
          eventId,
          toBusEvent(TicketStatusChanged, {
            eventId,
            occurredAt: at,
            tenantId: current.tenantId,
            ticketId: current.id,
            from: current.status,
            to: cmd.status,
            at,
            by,
            owner: current.owner,
            ticketVersion: next.version,
          }),
        ),
        ...(more?.(current) ?? []),
      ],
    };
  });
}

/**
 * Read the ticket, compute its next state and side effects, and write them in one conditional
 * write; a concurrent writer makes it re-read and re-decide, never overwrite. Then deliver.
 */
export async function writeWithRetry(
  tenantId: string,
  ticketId: string,
  deps: ChangeStatusDeps,
  decide: (stored: Ticket | null) => Change<Ticket>,
): Promise<Ticket> {
  const outcome = await commitWithRetry(
    {
      read: () => deps.tickets.get(tenantId, ticketId),
      decide,
      write: (next, entries) => deps.tickets.update(next, entries),
    },
    deps,
    { context: { ticketId } },
  );
  // `decide` returns a change or throws, so an outcome that wrote nothing cannot happen.
  if (!outcome.committed) throw new Error(`ticket ${tenantId}/${ticketId}: nothing was written`);
  return outcome.state;
}
