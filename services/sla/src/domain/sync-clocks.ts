import type { Logger } from '@aws-lambda-powertools/logger';
import type { Clock } from '@psa/model/clock';
import type { DivisionOfWork } from '@psa/model/division-of-work';
import { StaleWriteError } from '@psa/model/errors';
import { dispatchOutbox, type OutboxDeps } from '@psa/model/outbox';
import type { OutboxEntry, TenantStore, TicketStore } from '@psa/model/ports';
import type { SlaClockRecord, SlaClockStore } from '@psa/model/sla-clock';
import { advanceClock, withdrawClock } from './clocks.ts';
import { planClocks } from './plan.ts';

export interface SlaDeps extends OutboxDeps {
  tickets: TicketStore;
  tenants: TenantStore;
  sla: SlaClockStore;
  clock: Clock;
  logger: Pick<Logger, 'warn' | 'info'>;
}

export interface SyncResult {
  /** Clocks written. */
  writes: number;
  /** SLA events written to the outbox (warnings, breaches, met). */
  fired: number;
  /** Every clock of the ticket as it stands after the sync, by clock id (empty: nothing to sync). */
  clocks: Map<string, SlaClockRecord>;
}

const MAX_ATTEMPTS = 5;

/** Reads each tenant's division of work once per run (a sweep touches many tickets of one tenant). */
export type DivisionOfWorkCache = Map<string, Promise<DivisionOfWork | null>>;

/**
 * Make a ticket's clocks agree with the ticket's current state. Driven by TicketRouted,
 * TicketStatusChanged and TicketReassigned, and by the sweep; it reads the ticket rather than
 * trusting the event, so events that arrive twice or out of order converge on the same clocks.
 * Returns how many clocks it wrote.
 */
export async function syncTicketClocks(
  ref: { tenantId: string; ticketId: string },
  deps: SlaDeps,
): Promise<number> {
  return (await syncTicket(ref, deps)).writes;
}

/** {@link syncTicketClocks}, with what it fired and the clocks it left. */
export async function syncTicket(
  ref: { tenantId: string; ticketId: string },
  deps: SlaDeps,
  dows: DivisionOfWorkCache = new Map(),
): Promise<SyncResult> {
  let writes = 0;
  let fired = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await syncOnce(ref, deps, dows);
      return { ...result, writes: writes + result.writes, fired: fired + result.fired };
    } catch (err) {
      if (!(err instanceof PartialSync)) throw err;
      writes += err.writes;
      fired += err.fired;
      if (attempt >= MAX_ATTEMPTS) throw err.cause;
    }
  }
}

/** A concurrent writer got to one of the clocks first: what was written stands; read again. */
class PartialSync extends Error {
  readonly writes: number;
  readonly fired: number;
  constructor(writes: number, fired: number, cause: StaleWriteError) {
    super(cause.message, { cause });
    this.writes = writes;
    this.fired = fired;
  }
}

async function syncOnce(
  ref: { tenantId: string; ticketId: string },
  deps: SlaDeps,
  dows: DivisionOfWorkCache,
): Promise<SyncResult> {
  const ticket = await deps.tickets.get(ref.tenantId, ref.ticketId);
  if (!ticket?.owner || !ticket.priority) return { writes: 0, fired: 0, clocks: new Map() }; // not routed yet
  if (!dows.has(ref.tenantId)) dows.set(ref.tenantId, deps.tenants.getDivisionOfWork(ref.tenantId));
  const dow = await dows.get(ref.tenantId)!;
  if (!dow) throw new Error(`tenant ${ref.tenantId} has no division of work`);
  const stored = await deps.sla.listAllClocks(ref.tenantId, ref.ticketId);
  const clocks = new Map(stored.map((c) => [c.clockId, c]));
  const now = deps.clock.now();
  let writes = 0;
  let fired = 0;
  const save = async (clock: SlaClockRecord, events: OutboxEntry[]) => {
    try {
      await saveAndPublish(clock, events, deps);
    } catch (err) {
      if (err instanceof StaleWriteError) throw new PartialSync(writes, fired, err);
      throw err;
    }
    clocks.set(clock.clockId, clock);
    writes++;
    fired += events.filter((e) => e.kind === 'event').length;
  };
  const planned = planClocks(ticket, dow);
  for (const plan of planned) {
    const advanced = advanceClock(clocks.get(plan.clockId) ?? null, plan, { ticket, dow, now });
    if (advanced) await save(advanced.clock, advanced.events);
  }
  const ids = new Set(planned.map((p) => p.clockId));
  for (const clock of stored) {
    const withdrawn = ids.has(clock.clockId) ? null : withdrawClock(clock);
    if (withdrawn) await save(withdrawn, []);
  }
  return { writes, fired, clocks };
}

export async function saveAndPublish(
  clock: SlaClockRecord,
  events: OutboxEntry[],
  deps: Pick<SlaDeps, 'sla' | 'bus' | 'outbox' | 'logger' | 'mailer' | 'queue'>,
): Promise<void> {
  const ref = await deps.sla.saveClock(clock, events);
  if (events.length === 0) return;
  try {
    await dispatchOutbox(ref, events, deps);
  } catch (error) {
    deps.logger.warn('SLA event delivery deferred to the reconciler', { ticketId: clock.ticketId, error });
  }
}
