import type { Logger } from '@aws-lambda-powertools/logger';
import type { Clock } from '@psa/common/clock';
import { StaleWriteError } from '@psa/common/errors';
import { dispatchOutbox, type OutboxDeps } from '@psa/common/outbox';
import type { SlaStore, TenantStore, TicketStore } from '@psa/common/ports';
import type { SlaClockRecord } from '@psa/common/sla-clock';
import { keys } from '@psa/common/table';
import { advanceClock, calendarOf, startClock, TARGETS } from './clocks.ts';

export interface SlaDeps extends OutboxDeps {
  tickets: TicketStore;
  tenants: TenantStore;
  sla: SlaStore;
  clock: Clock;
  logger: Pick<Logger, 'warn' | 'info'>;
}

const MAX_ATTEMPTS = 5;

/**
 * Make a ticket's clocks agree with the ticket's current state. Driven by TicketRouted and
 * TicketStatusChanged, but it reads the ticket rather than trusting the event, so events that
 * arrive twice or out of order converge on the same clocks.
 */
export async function syncTicketClocks(
  ref: { tenantId: string; ticketId: string },
  deps: SlaDeps,
): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await syncOnce(ref, deps);
    } catch (err) {
      if (err instanceof StaleWriteError && attempt < MAX_ATTEMPTS) continue;
      throw err;
    }
  }
}

async function syncOnce(ref: { tenantId: string; ticketId: string }, deps: SlaDeps): Promise<number> {
  const ticket = await deps.tickets.get(ref.tenantId, ref.ticketId);
  if (!ticket?.owner || !ticket.priority) return 0; // not routed yet: TicketRouted will come
  const dow = await deps.tenants.getDivisionOfWork(ref.tenantId);
  if (!dow) throw new Error(`tenant ${ref.tenantId} has no division of work`);
  const existing = new Map((await deps.sla.listClocks(ref.tenantId, ref.ticketId)).map((c) => [c.target, c]));
  const now = deps.clock.now();
  let writes = 0;
  for (const target of TARGETS) {
    const current = existing.get(target) ?? startClock(ticket, target, dow);
    const advanced = advanceClock(current, ticket, calendarOf(current.calendar, dow), now);
    if (!advanced) continue;
    await saveAndPublish(advanced.clock, advanced.events, deps);
    writes++;
  }
  return writes;
}

export async function saveAndPublish(
  clock: SlaClockRecord,
  events: Parameters<SlaStore['saveClock']>[1],
  deps: Pick<SlaDeps, 'sla' | 'bus' | 'outbox' | 'logger'>,
): Promise<void> {
  await deps.sla.saveClock(clock, events);
  if (events.length === 0) return;
  try {
    await dispatchOutbox(keys.sla(clock.tenantId, clock.ticketId, clock.target), events, deps);
  } catch (error) {
    deps.logger.warn('SLA event delivery deferred to the reconciler', { ticketId: clock.ticketId, error });
  }
}
