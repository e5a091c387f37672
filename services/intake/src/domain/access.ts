import { assertTenant, type Principal } from '@psa/http/auth';
import { ForbiddenError, NotFoundError } from '@psa/model/errors';
import type { Owner, Ticket } from '@psa/model/ticket';

/**
 * Who may see a ticket. A ticket the caller may not see answers 404, exactly like one that does
 * not exist: a partner cannot probe for internal-owned tickets, a requester for others' tickets.
 */
export function canSee(principal: Principal, ticket: Ticket): boolean {
  if (principal.tenant !== ticket.tenantId) return false;
  switch (principal.role) {
    case 'internal':
      return true;
    case 'partner':
      return ticket.owner === 'partner' || ticket.owner === 'triage';
    case 'requester':
      return principal.email !== undefined && ticket.requester.email === principal.email;
    case 'leadership':
      return false;
  }
}

export function assertCanRead(principal: Principal, tenantId: string, ticket: Ticket | null): Ticket {
  assertTenant(principal, tenantId);
  if (principal.role === 'leadership') throw new ForbiddenError('leadership reads reports, not tickets');
  if (!ticket || !canSee(principal, ticket)) throw new NotFoundError('ticket not found');
  return ticket;
}

/** Staff who work tickets may change their status; partner only on tickets it owns or triages. */
export function assertCanUpdate(principal: Principal, _ticket: Ticket): void {
  if (principal.role === 'requester' || principal.role === 'leadership') {
    throw new ForbiddenError(`role '${principal.role}' may not change a ticket's status`);
  }
}

/** The owners whose tickets a role may list. */
export function visibleOwners(principal: Principal): Owner[] | 'all' | 'own' {
  switch (principal.role) {
    case 'internal':
      return 'all';
    case 'partner':
      return ['partner', 'triage'];
    case 'requester':
      return 'own';
    case 'leadership':
      throw new ForbiddenError('leadership reads reports, not tickets');
  }
}
