import { queueMessage } from '@psa/contracts/queue-message';
import type { Principal } from '@psa/http/auth';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@psa/model/errors';
import { TicketPriorityChanged, TicketReassigned, toBusEvent } from '@psa/model/events';
import { eventEntry, queueEntry } from '@psa/model/outbox';
import type { TenantStore } from '@psa/model/ports';
import { isOpenStatus, type Owner, type Priority, type Ticket } from '@psa/model/ticket';
import { assertCanRead } from './access.ts';
import { type ChangeStatusDeps, writeWithRetry } from './change-status.ts';

/**
 * Hand a ticket to the other side with a reason: the partner escalates a decision to internal IT
 * (or hands on a ticket it triaged), internal IT delegates to the partner. The new owner's queue
 * gets the ticket and TicketReassigned is published, in the same write as the change.
 */
export async function reassignTicket(
  cmd: {
    tenantId: string;
    ticketId: string;
    principal: Principal;
    to: Exclude<Owner, 'triage'>;
    reason: string;
  },
  deps: ChangeStatusDeps & { tenants: TenantStore },
): Promise<Ticket> {
  if (!cmd.reason.trim()) {
    throw new ValidationError('a handoff needs a reason', [{ path: 'body.reason', message: 'required' }]);
  }
  const dow = await deps.tenants.getDivisionOfWork(cmd.tenantId);
  if (!dow) throw new NotFoundError(`tenant ${cmd.tenantId} not found`);
  return writeWithRetry(cmd.tenantId, cmd.ticketId, deps, (stored) => {
    const current = assertCanRead(cmd.principal, cmd.tenantId, stored);
    const from = current.owner;
    if (cmd.principal.role !== 'partner' && cmd.principal.role !== 'internal') {
      throw new ForbiddenError(`role '${cmd.principal.role}' may not hand tickets over`);
    }
    if (!from) throw new ConflictError('the ticket is not routed yet');
    if (from === cmd.to) throw new ConflictError(`the ticket is already ${cmd.to}-owned`);
    if (!isOpenStatus(current.status))
      throw new ConflictError(`a ${current.status} ticket cannot be handed over`);
    const at = deps.clock.now().toISOString();
    const by = { role: cmd.principal.role, ...(cmd.principal.email ? { email: cmd.principal.email } : {}) };
    const handoff = { from, to: cmd.to, reason: cmd.reason.trim(), at, by };
    const next: Ticket = {
      ...current,
      owner: cmd.to,
      handoffs: [...current.handoffs, handoff],
      updatedAt: at,
      version: current.version + 1,
    };
    const eventId = `${current.id}:v${next.version}`;
    return {
      next,
      entries: [
        queueEntry(
          `${eventId}:queued`,
          cmd.to,
          queueMessage(next, dow, { from, reason: handoff.reason, at }),
        ),
        eventEntry(
          eventId,
          toBusEvent(TicketReassigned, {
            eventId,
            occurredAt: at,
            tenantId: current.tenantId,
            ticketId: current.id,
            from,
            to: cmd.to,
            reason: handoff.reason,
            workload: current.workload,
            at,
            by,
            ticketVersion: next.version,
          }),
        ),
      ],
    };
  });
}

/** Change a routed ticket's priority (the owner's people or internal IT); SLA dues follow. */
export async function changePriority(
  cmd: { tenantId: string; ticketId: string; principal: Principal; priority: Priority; reason?: string },
  deps: ChangeStatusDeps,
): Promise<Ticket> {
  return writeWithRetry(cmd.tenantId, cmd.ticketId, deps, (stored) => {
    const current = assertCanRead(cmd.principal, cmd.tenantId, stored);
    if (cmd.principal.role !== 'partner' && cmd.principal.role !== 'internal') {
      throw new ForbiddenError(`role '${cmd.principal.role}' may not change a ticket's priority`);
    }
    if (!current.priority) throw new ConflictError('the ticket is not routed yet');
    if (!isOpenStatus(current.status))
      throw new ConflictError(`a ${current.status} ticket's priority is final`);
    if (current.priority === cmd.priority) throw new ConflictError(`the ticket is already ${cmd.priority}`);
    const at = deps.clock.now().toISOString();
    const by = { role: cmd.principal.role, ...(cmd.principal.email ? { email: cmd.principal.email } : {}) };
    const next: Ticket = { ...current, priority: cmd.priority, updatedAt: at, version: current.version + 1 };
    const eventId = `${current.id}:v${next.version}`;
    return {
      next,
      entries: [
        eventEntry(
          eventId,
          toBusEvent(TicketPriorityChanged, {
            eventId,
            occurredAt: at,
            tenantId: current.tenantId,
            ticketId: current.id,
            from: current.priority,
            to: cmd.priority,
            ...(cmd.reason ? { reason: cmd.reason } : {}),
            at,
            by,
            ticketVersion: next.version,
          }),
        ),
      ],
    };
  });
}
