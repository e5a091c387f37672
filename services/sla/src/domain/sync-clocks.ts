import type { Logger } from '@aws-lambda-powertools/logger';
import type { Clock } from '@psa/model/clock';
import type { DivisionOfWork } from '@psa/model/division-of-work';
import { deliverOrDefer, type OutboxDeps, retryOnStale } from '@psa/model/outbox';
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
  return (await syncTicket(ref, deps, new Map(), { firstSyncOfFreshTicket: true })).writes;
}

export interface SyncOptions {
  /**
   * A ticket only just routed (nothing changed it since) has no clocks yet, as a rule: its first
   * pass then writes them without listing them first. Every clock it writes is new, written only
   * if absent, so when the rule does not hold (a redelivered event, a racing sync) that write is
   * refused and the pass starts again from a full read: the clocks come out the same either way.
   */
  firstSyncOfFreshTicket?: boolean;
}

/** {@link syncTicketClocks}, with what it fired and the clocks it left. */
export async function syncTicket(
  ref: { tenantId: string; ticketId: string },
  deps: SlaDeps,
  dows: DivisionOfWorkCache = new Map(),
  opts: SyncOptions = {},
): Promise<SyncResult> {
  // What earlier attempts wrote before losing a race stands, and counts.
  const tally = { writes: 0, fired: 0 };
  const clocks = await retryOnStale((attempt) =>
    syncOnce(ref, deps, dows, tally, opts.firstSyncOfFreshTicket === true && attempt === 1),
  );
  return { ...tally, clocks };
}

/** Routed (version 2: received, then routed) and not changed since. */
const FRESHLY_ROUTED_VERSION = 2;

/**
 * One pass: read the ticket and its clocks, and write each clock that has to move. A concurrent
 * writer that got to one of the clocks first makes the save throw StaleWriteError, and the pass
 * starts again from a fresh read.
 */
async function syncOnce(
  ref: { tenantId: string; ticketId: string },
  deps: SlaDeps,
  dows: DivisionOfWorkCache,
  tally: { writes: number; fired: number },
  optimistic: boolean,
): Promise<Map<string, SlaClockRecord>> {
  // The ticket and the division of work are read together (one round trip where the store batches).
  if (!dows.has(ref.tenantId)) dows.set(ref.tenantId, deps.tenants.getDivisionOfWork(ref.tenantId));
  const [ticket, dow] = await Promise.all([
    deps.tickets.get(ref.tenantId, ref.ticketId),
    dows.get(ref.tenantId)!,
  ]);
  if (!ticket?.owner || !ticket.priority) return new Map(); // not routed yet
  if (!dow) throw new Error(`tenant ${ref.tenantId} has no division of work`);
  const stored =
    optimistic && ticket.version === FRESHLY_ROUTED_VERSION
      ? []
      : await deps.sla.listAllClocks(ref.tenantId, ref.ticketId);
  const clocks = new Map(stored.map((c) => [c.clockId, c]));
  const now = deps.clock.now();
  const save = async (clock: SlaClockRecord, events: OutboxEntry[]) => {
    await saveAndPublish(clock, events, deps);
    clocks.set(clock.clockId, clock);
    tally.writes++;
    tally.fired += events.filter((e) => e.kind === 'event').length;
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
  return clocks;
}

/** Save a clock with its SLA events, then deliver them (or leave them to the reconciler). */
async function saveAndPublish(
  clock: SlaClockRecord,
  events: OutboxEntry[],
  deps: Pick<SlaDeps, 'sla' | 'bus' | 'outbox' | 'logger' | 'mailer' | 'queue'>,
): Promise<void> {
  const ref = await deps.sla.saveClock(clock, events);
  await deliverOrDefer(ref, events, deps, { ticketId: clock.ticketId, clock: clock.clockId });
}
