import type { BusEvent } from './events.ts';
import type {
  EventBus,
  Mailer,
  OutboxEntry,
  OutboxRef,
  OutboxStore,
  OutgoingMail,
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

export const eventEntry = (id: string, event: BusEvent): OutboxEntry => ({ id, kind: 'event', event });

export const queueEntry = (id: string, queue: QueueName, message: QueueMessage): OutboxEntry => ({
  id,
  kind: 'queue',
  queue,
  body: message.body,
  attributes: message.attributes,
});

export const mailEntry = (id: string, mail: OutgoingMail): OutboxEntry => ({ id, kind: 'mail', mail });

/**
 * Deliver a record's outbox entries, then clear them. Delivery is at least once: a crash after
 * delivering and before clearing makes the reconciler deliver again, and every consumer is
 * idempotent. Entries that fail stay in the outbox; the error is rethrown after the others ran.
 */
export async function dispatchOutbox(
  ref: OutboxRef,
  entries: OutboxEntry[],
  deps: OutboxDeps,
): Promise<void> {
  const delivered: string[] = [];
  let failure: unknown;
  const events = entries.filter((e): e is Extract<OutboxEntry, { kind: 'event' }> => e.kind === 'event');
  if (events.length > 0) {
    try {
      await deps.bus.publish(events.map((e) => e.event));
      delivered.push(...events.map((e) => e.id));
    } catch (err) {
      failure = err;
    }
  }
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
      delivered.push(entry.id);
    } catch (err) {
      failure ??= err;
    }
  }
  await deps.outbox.clear(ref, delivered);
  if (failure) throw failure;
}

/**
 * The reconciler: re-deliver outbox entries older than `graceMs` (a writer normally delivers its
 * own within milliseconds). Returns how many records it drained.
 */
export async function reconcileOutbox(
  deps: OutboxDeps & { now: () => Date },
  opts: { graceMs?: number; limit?: number } = {},
): Promise<{ records: number; failures: number }> {
  const pending = await deps.outbox.listPending(
    new Date(deps.now().getTime() - (opts.graceMs ?? 30_000)),
    opts.limit ?? 100,
  );
  let failures = 0;
  for (const p of pending) {
    try {
      await dispatchOutbox(p.ref, p.entries, deps);
    } catch {
      failures++;
    }
  }
  return { records: pending.length, failures };
}
