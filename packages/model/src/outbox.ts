/**
 * The transactional outbox, from the domain's side. A state change and its side effects are
 * committed in one conditional write ({@link commitWithRetry}); the writer delivers them at once
 * ({@link deliverOrDefer}), and whatever it could not deliver the reconciler delivers later
 * ({@link reconcileOutbox}). Which record holds an outbox is the store's business: the domain
 * only passes on the {@link OutboxRef} a write hands back.
 */
import { StaleWriteError } from './errors.ts';
import type { BusEvent } from './events.ts';
import type {
  DeadLetter,
  EventBus,
  Mailer,
  OutboxEntry,
  OutboxRef,
  OutboxStore,
  OutgoingMail,
  PendingOutbox,
  Queue,
  QueueMessage,
  QueueName,
} from './ports.ts';

export interface OutboxDeps {
  bus: EventBus;
  queue?: Queue;
  mailer?: Mailer;
  outbox: OutboxStore;
}

/** The one logging call delivery needs (Powertools' `Logger` has it). */
export interface WarningLogger {
  warn(message: string, attributes: Record<string, unknown>): void;
}

/** What a writer needs to deliver its own outbox right after committing. */
export interface DeliveryDeps extends OutboxDeps {
  logger: WarningLogger;
}

/** A new state and the side effects to commit with it, in one conditional write. */
export interface Change<T> {
  next: T;
  entries: OutboxEntry[];
}

/** The three steps of a write that guards against concurrent writers (optimistic concurrency). */
export interface CommitSteps<S, T> {
  /** Read the current state; called again on every attempt. */
  read(): Promise<S>;
  /** The change to make to what was read, or null when there is nothing to write. Throw to refuse. */
  decide(stored: S): Change<T> | null | Promise<Change<T> | null>;
  /**
   * Write `next` with `entries` in one conditional write that throws StaleWriteError when the
   * state changed since it was read; returns where the entries are kept.
   */
  write(next: T, entries: OutboxEntry[]): Promise<OutboxRef>;
}

/** What {@link commitWithRetry} did: wrote `next`, or found nothing to write in `stored`. */
export type CommitOutcome<S, T> = { committed: true; state: T } | { committed: false; state: S };

export interface CommitOptions {
  /** Attempts before a StaleWriteError is given up on and rethrown. Default {@link MAX_ATTEMPTS}. */
  maxAttempts?: number;
  /** Attributes of the warning logged when delivery is left to the reconciler (e.g. `ticketId`). */
  context?: Record<string, unknown>;
}

/** Attempts a write makes against concurrent writers before it gives up. */
export const MAX_ATTEMPTS = 5;

export const eventEntry = (id: string, event: BusEvent): OutboxEntry => ({ id, kind: 'event', event });

export const queueEntry = (id: string, queue: QueueName, message: QueueMessage): OutboxEntry => ({
  id,
  kind: 'queue',
  queue,
  body: message.body,
  attributes: message.attributes,
});

export const mailEntry = (id: string, mail: OutgoingMail): OutboxEntry => ({ id, kind: 'mail', mail });

/** What delivering a record's entries did: which went out, and why each of the others did not. */
interface Delivery {
  delivered: string[];
  failed: Map<string, unknown>;
}

/**
 * Deliver entries, each on its own account: events go out in one batch, and when the batch fails
 * each event is tried alone, so one event the bus refuses never holds back the others. Queue
 * messages and mail go out meanwhile (nothing orders an event before a message): a writer's
 * delivery takes as long as its slowest entry, not the sum of them.
 */
async function deliverEach(entries: OutboxEntry[], deps: OutboxDeps): Promise<Delivery> {
  const result: Delivery = { delivered: [], failed: new Map() };
  const events = entries.filter((e): e is Extract<OutboxEntry, { kind: 'event' }> => e.kind === 'event');
  const publishEvents = async () => {
    if (events.length === 0) return;
    try {
      await deps.bus.publish(events.map((e) => e.event));
      result.delivered.push(...events.map((e) => e.id));
    } catch (err) {
      if (events.length === 1) result.failed.set(events[0]!.id, err);
      else {
        for (const e of events) {
          await deps.bus.publish([e.event]).then(
            () => result.delivered.push(e.id),
            (one: unknown) => result.failed.set(e.id, one),
          );
        }
      }
    }
  };
  const sendOthers = async () => {
    for (const entry of entries) {
      if (entry.kind === 'event') continue;
      try {
        if (entry.kind === 'queue') {
          if (!deps.queue) throw new Error(`no queue adapter to deliver outbox entry ${entry.id}`);
          await deps.queue.send(entry.queue, { body: entry.body, attributes: entry.attributes });
        } else {
          if (!deps.mailer) throw new Error(`no mailer to deliver outbox entry ${entry.id}`);
          await deps.mailer.send(entry.mail);
        }
        result.delivered.push(entry.id);
      } catch (err) {
        result.failed.set(entry.id, err);
      }
    }
  };
  await Promise.all([publishEvents(), sendOthers()]);
  // In the entries' order, whichever finished first.
  const order = new Map(entries.map((e, i) => [e.id, i]));
  result.delivered.sort((a, b) => order.get(a)! - order.get(b)!);
  return result;
}

/**
 * Deliver a record's outbox entries, then clear them. Delivery is at least once: a crash after
 * delivering and before clearing makes the reconciler deliver again, and every consumer is
 * idempotent. Entries that fail stay in the outbox; the first error is rethrown after the others ran.
 */
export async function dispatchOutbox(
  ref: OutboxRef,
  entries: OutboxEntry[],
  deps: OutboxDeps,
  opts: DeliveryOptions = {},
): Promise<void> {
  const { delivered, failed } = await deliverEach(entries, deps);
  const leave = new Set(opts.leaveForNextWrite ?? []);
  // Clearing some entries is one write whatever their number: only when every delivered entry
  // may wait for the next write is there no write now.
  if (!delivered.every((id) => leave.has(id))) await deps.outbox.clear(ref, delivered);
  if (failed.size > 0) throw failed.values().next().value;
}

export interface DeliveryOptions {
  /**
   * Entries whose consumer's own next write of the same record removes them (see
   * `TicketStore.update`'s `settled`): once delivered they are not cleared by a write of their
   * own. Until that write they stay listed for the reconciler, which delivers them again if it
   * never comes (at least once, as ever), so nothing is lost; it saves a write per step.
   */
  leaveForNextWrite?: readonly string[];
}

/** The outbox entry (and event id) of a ticket's TicketReceived: routing settles it. */
export const ticketReceivedEntryId = (ticketId: string): string => `${ticketId}:received`;

/** Failed reconciler deliveries of one entry after which it becomes a dead letter. */
export const MAX_DELIVERY_ATTEMPTS = 12;

/**
 * How long the reconciler waits before trying an entry again after its `attempts`-th failure: the
 * next run after the first (an outage of a moment), then 1, 2, 4 ... minutes, at most an hour.
 * With {@link MAX_DELIVERY_ATTEMPTS} an entry is tried for about five hours before it is set aside.
 */
export function retryDelayMs(attempts: number): number {
  if (attempts <= 1) return 0;
  return Math.min(2 ** (attempts - 2), 60) * 60_000;
}

export interface ReconcileOptions {
  /** Entries younger than this are left to the writer still delivering them. Default 30 s. */
  graceMs?: number;
  /** Records read a page. Default 100. */
  limit?: number;
  /** Records handled a run at most; the next run takes the rest. Default 1,000. */
  maxRecords?: number;
  /** Failed attempts after which an entry becomes a dead letter. Default {@link MAX_DELIVERY_ATTEMPTS}. */
  maxAttempts?: number;
}

/**
 * The reconciler: re-deliver outbox entries older than `graceMs` (a writer normally delivers its
 * own within milliseconds), oldest first, page after page. An entry that fails again is counted
 * and its record waits ({@link retryDelayMs}) while the run goes on past it, so no number of
 * failing entries ahead of a good one holds the good one up; after `maxAttempts` failures an
 * entry becomes a dead letter (kept by the store, and reported to `onDeadLetter`). Returns how
 * many records it handled and how many of them still had a failure.
 */
export async function reconcileOutbox(
  deps: OutboxDeps & { now: () => Date; onDeadLetter?: (letter: DeadLetter) => void },
  opts: ReconcileOptions = {},
): Promise<{ records: number; failures: number }> {
  const limit = opts.limit ?? 100;
  const maxRecords = opts.maxRecords ?? 1_000;
  const maxAttempts = opts.maxAttempts ?? MAX_DELIVERY_ATTEMPTS;
  const now = deps.now();
  const olderThan = new Date(now.getTime() - (opts.graceMs ?? 30_000));
  let records = 0;
  let failures = 0;
  let after: string | undefined;
  while (records < maxRecords) {
    const page = await deps.outbox.listPending(olderThan, Math.min(limit, maxRecords - records), after);
    for (const pending of page) {
      if (await reconcileRecord(pending, deps, now, maxAttempts)) failures++;
    }
    records += page.length;
    after = page.at(-1)?.position;
    if (page.length < limit || !after) break;
  }
  return { records, failures };
}

/** Deliver one pending record's entries; true when some failed (and were deferred or set aside). */
async function reconcileRecord(
  pending: PendingOutbox,
  deps: OutboxDeps & { onDeadLetter?: (letter: DeadLetter) => void },
  now: Date,
  maxAttempts: number,
): Promise<boolean> {
  const { delivered, failed } = await deliverEach(pending.entries, deps);
  await deps.outbox.clear(pending.ref, delivered);
  if (failed.size === 0) return false;
  const retry: Record<string, number> = {};
  const dead: DeadLetter[] = [];
  for (const entry of pending.entries) {
    if (!failed.has(entry.id)) continue;
    const attempts = (pending.attempts?.[entry.id] ?? 0) + 1;
    if (attempts < maxAttempts) retry[entry.id] = attempts;
    else {
      const error = failed.get(entry.id);
      dead.push({
        ref: pending.ref,
        entry,
        attempts,
        error: error instanceof Error ? error.message : String(error),
        at: now.toISOString(),
      });
    }
  }
  if (dead.length > 0) {
    await deps.outbox.deadLetter(dead);
    for (const letter of dead) deps.onDeadLetter?.(letter);
  }
  const most = Math.max(0, ...Object.values(retry));
  if (most > 0) {
    const delay = retryDelayMs(most);
    await deps.outbox.defer(pending.ref, retry, delay > 0 ? new Date(now.getTime() + delay) : null);
  }
  return true;
}

/**
 * Deliver what a write just committed to its outbox. When delivery fails the entries stay in the
 * outbox and the reconciler delivers them later, so the failure is only logged: the state change
 * itself has happened and stands.
 */
export async function deliverOrDefer(
  ref: OutboxRef,
  entries: OutboxEntry[],
  deps: DeliveryDeps,
  context: Record<string, unknown> = {},
  opts: DeliveryOptions = {},
): Promise<void> {
  if (entries.length === 0) return;
  try {
    await dispatchOutbox(ref, entries, deps, opts);
  } catch (error) {
    deps.logger.warn('outbox delivery deferred to the reconciler', { ...context, error });
  }
}

/**
 * Run `attempt` again while it loses an optimistic-concurrency race (StaleWriteError), at most
 * `maxAttempts` times in all; then the last StaleWriteError is rethrown. Any other error ends it
 * at once. `attempt` must read afresh each time: re-deciding on what it read before would
 * overwrite the concurrent writer it lost to.
 */
export async function retryOnStale<R>(
  attempt: (n: number) => Promise<R>,
  opts: Pick<CommitOptions, 'maxAttempts'> = {},
): Promise<R> {
  const max = opts.maxAttempts ?? MAX_ATTEMPTS;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (err instanceof StaleWriteError && n < max) continue;
      throw err;
    }
  }
}

/**
 * The one way to change state with its side effects: read, decide, write both in one
 * conditional write, and on a concurrent writer read and decide again (never overwrite); then
 * deliver the outbox, or leave it to the reconciler ({@link deliverOrDefer}).
 */
export async function commitWithRetry<S, T>(
  steps: CommitSteps<S, T>,
  deps: DeliveryDeps,
  opts: CommitOptions = {},
): Promise<CommitOutcome<S, T>> {
  const done = await retryOnStale(async () => {
    const stored = await steps.read();
    const change = await steps.decide(stored);
    if (!change) return { stored, change: null, ref: null };
    return { stored, change, ref: await steps.write(change.next, change.entries) };
  }, opts);
  if (!done.change || !done.ref) return { committed: false, state: done.stored };
  await deliverOrDefer(done.ref, done.change.entries, deps, opts.context);
  return { committed: true, state: done.change.next };
}
