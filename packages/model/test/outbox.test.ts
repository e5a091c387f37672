import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/clock.ts';
import { ConflictError, StaleWriteError } from '../src/errors.ts';
import type { BusEvent } from '../src/events.ts';
import {
  commitWithRetry,
  type DeliveryDeps,
  deliverOrDefer,
  eventEntry,
  MAX_ATTEMPTS,
  mailEntry,
  queueEntry,
  reconcileOutbox,
  retryOnStale,
} from '../src/outbox.ts';
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
} from '../src/ports.ts';

const event = (id: string): BusEvent => ({
  source: 'psa.test',
  detailType: 'Tested',
  detail: { eventId: id },
});
const mail: OutgoingMail = {
  from: 'a@x.test',
  to: 'b@x.test',
  subject: 's',
  text: 't',
  messageId: 'm@x.test',
};

class FakeBus implements EventBus {
  readonly batches: string[][] = [];
  down = false;
  async publish(events: BusEvent[]): Promise<void> {
    if (this.down) throw new Error('bus down');
    this.batches.push(events.map((e) => String(e.detail.eventId)));
  }
}

class FakeQueue implements Queue {
  readonly sent: [QueueName, string][] = [];
  async send(queue: QueueName, message: QueueMessage): Promise<void> {
    this.sent.push([queue, message.body]);
  }
}

class FakeMailer implements Mailer {
  readonly sent: string[] = [];
  async send(m: OutgoingMail): Promise<void> {
    this.sent.push(m.to);
  }
}

/** Outbox entries kept per record with the instant they were written, like the table's outbox map. */
class FakeOutbox implements OutboxStore {
  readonly records = new Map<OutboxRef, Map<string, { entry: OutboxEntry; at: number }>>();
  readonly clears: [OutboxRef, string[]][] = [];
  add(ref: OutboxRef, entries: OutboxEntry[], at: Date): void {
    const record = this.records.get(ref) ?? new Map();
    for (const entry of entries) record.set(entry.id, { entry, at: at.getTime() });
    this.records.set(ref, record);
  }
  pendingIds(ref: OutboxRef): string[] {
    return [...(this.records.get(ref)?.keys() ?? [])].sort();
  }
  async clear(ref: OutboxRef, entryIds: string[]): Promise<void> {
    this.clears.push([ref, entryIds]);
    for (const id of entryIds) this.records.get(ref)?.delete(id);
  }
  async listPending(olderThan: Date, limit: number): Promise<PendingOutbox[]> {
    return [...this.records]
      .filter(([, r]) => [...r.values()].some((e) => e.at < olderThan.getTime()))
      .slice(0, limit)
      .map(([ref, r]) => ({ ref, entries: [...r.values()].map((e) => e.entry) }));
  }
  async defer(): Promise<void> {}
  async deadLetter(): Promise<void> {}
  async listDeadLetters(): Promise<DeadLetter[]> {
    return [];
  }
}

/** One versioned record with an outbox: a conditional write fails when the version moved on. */
class FakeRecord {
  value = 0;
  version = 0;
  writes = 0;
  readonly ref = 'record-1' as OutboxRef;
  readonly outbox: FakeOutbox;
  readonly clock: ManualClock;
  /** Runs just before each write: a concurrent writer can get in here. */
  beforeWrite: () => void = () => {};
  constructor(outbox: FakeOutbox, clock: ManualClock) {
    this.outbox = outbox;
    this.clock = clock;
  }
  async read(): Promise<{ value: number; version: number }> {
    return { value: this.value, version: this.version };
  }
  async write(next: { value: number; version: number }, entries: OutboxEntry[]): Promise<OutboxRef> {
    this.beforeWrite();
    if (next.version !== this.version + 1) throw new StaleWriteError(`record moved on to ${this.version}`);
    this.value = next.value;
    this.version = next.version;
    this.writes++;
    this.outbox.add(this.ref, entries, this.clock.now());
    return this.ref;
  }
}

function setup() {
  const clock = new ManualClock('2026-03-02T09:00:00.000Z');
  const outbox = new FakeOutbox();
  const warnings: [string, Record<string, unknown>][] = [];
  const deps = {
    bus: new FakeBus(),
    queue: new FakeQueue(),
    mailer: new FakeMailer(),
    outbox,
    logger: {
      warn: (message: string, attributes: Record<string, unknown>) => warnings.push([message, attributes]),
    },
  } satisfies DeliveryDeps;
  return { clock, outbox, deps, warnings, record: new FakeRecord(outbox, clock) };
}

/** Steps that add `by` to the record's value, with one event named after the new version. */
function addSteps(record: FakeRecord, by: number, decided: number[] = []) {
  return {
    read: () => record.read(),
    decide: (stored: { value: number; version: number }) => {
      decided.push(stored.value);
      const next = { value: stored.value + by, version: stored.version + 1 };
      return { next, entries: [eventEntry(`v${next.version}`, event(`v${next.version}`))] };
    },
    write: (next: { value: number; version: number }, entries: OutboxEntry[]) => record.write(next, entries),
  };
}

describe('deliverOrDefer', () => {
  it('publishes the events in one batch, sends the queue message and the mail, then clears them all', async () => {
    const { deps, outbox } = setup();
    const ref = 'r' as OutboxRef;
    const entries = [
      eventEntry('e1', event('e1')),
      queueEntry('q1', 'partner', { body: '{"ticket":1}', attributes: {} }),
      eventEntry('e2', event('e2')),
      mailEntry('m1', mail),
    ];
    outbox.add(ref, entries, new Date());
    await deliverOrDefer(ref, entries, deps);
    expect(deps.bus.batches).toEqual([['e1', 'e2']]);
    expect(deps.queue.sent).toEqual([['partner', '{"ticket":1}']]);
    expect(deps.mailer.sent).toEqual(['b@x.test']);
    expect(outbox.pendingIds(ref)).toEqual([]);
  });

  it('leaves what failed in the outbox and logs a warning with the caller’s context instead of throwing', async () => {
    const { deps, outbox, warnings } = setup();
    const ref = 'r' as OutboxRef;
    const entries = [eventEntry('e1', event('e1')), mailEntry('m1', mail)];
    outbox.add(ref, entries, new Date());
    deps.bus.down = true;
    await expect(deliverOrDefer(ref, entries, deps, { ticketId: 't-1' })).resolves.toBeUndefined();
    expect(outbox.pendingIds(ref)).toEqual(['e1']);
    expect(deps.mailer.sent).toEqual(['b@x.test']);
    expect(warnings).toEqual([
      ['outbox delivery deferred to the reconciler', { ticketId: 't-1', error: new Error('bus down') }],
    ]);
  });

  it('sends the queue message while the events are still on their way, and clears only once both arrived', async () => {
    const { deps, outbox } = setup();
    const ref = 'r' as OutboxRef;
    const entries = [
      queueEntry('q1', 'partner', { body: '{"ticket":1}', attributes: {} }),
      eventEntry('e1', event('e1')),
    ];
    outbox.add(ref, entries, new Date());
    let arrive: () => void = () => {};
    const publish = deps.bus.publish.bind(deps.bus);
    deps.bus.publish = async (events) => {
      await new Promise<void>((resolve) => {
        arrive = resolve;
      });
      return publish(events);
    };

    const delivering = deliverOrDefer(ref, entries, deps);
    await new Promise((resolve) => setImmediate(resolve));

    // One round trip for the two: the message went out without waiting for the events...
    expect(deps.queue.sent).toEqual([['partner', '{"ticket":1}']]);
    expect(deps.bus.batches).toEqual([]);
    // ...and nothing is cleared while an entry may yet be lost (the reconciler still sees both).
    expect(outbox.clears).toEqual([]);
    expect(outbox.pendingIds(ref)).toEqual(['e1', 'q1']);

    arrive();
    await delivering;
    expect(deps.bus.batches).toEqual([['e1']]);
    expect(outbox.clears).toEqual([[ref, ['q1', 'e1']]]);
    expect(outbox.pendingIds(ref)).toEqual([]);
  });

  it('touches neither the bus nor the outbox when there is nothing to deliver', async () => {
    const { deps, outbox } = setup();
    await deliverOrDefer('r' as OutboxRef, [], deps);
    expect(deps.bus.batches).toEqual([]);
    expect(outbox.clears).toEqual([]);
  });
});

describe('retryOnStale', () => {
  it(`gives up after ${MAX_ATTEMPTS} lost races and rethrows the last StaleWriteError`, async () => {
    const seen: number[] = [];
    const error = retryOnStale(async (n) => {
      seen.push(n);
      throw new StaleWriteError(`lost race ${n}`);
    });
    await expect(error).rejects.toThrow(`lost race ${MAX_ATTEMPTS}`);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('returns what the first attempt that wins returns, with at most the attempts it was given', async () => {
    const seen: number[] = [];
    const result = await retryOnStale(
      async (n) => {
        seen.push(n);
        if (n < 3) throw new StaleWriteError('lost');
        return `won on ${n}`;
      },
      { maxAttempts: 3 },
    );
    expect(result).toBe('won on 3');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('does not retry any other error', async () => {
    let calls = 0;
    await expect(
      retryOnStale(async () => {
        calls++;
        throw new ConflictError('refused');
      }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(calls).toBe(1);
  });
});

describe('commitWithRetry', () => {
  it('writes the decided state with its entries and delivers them', async () => {
    const { deps, outbox, record } = setup();
    const outcome = await commitWithRetry(addSteps(record, 5), deps);
    expect(outcome).toEqual({ committed: true, state: { value: 5, version: 1 } });
    expect(deps.bus.batches).toEqual([['v1']]);
    expect(outbox.pendingIds(record.ref)).toEqual([]);
  });

  it('re-reads and re-decides on a concurrent write, so the other writer’s change is kept', async () => {
    const { deps, record } = setup();
    let raced = false;
    record.beforeWrite = () => {
      if (raced) return;
      raced = true;
      record.value = 100; // another writer got in between our read and our write
      record.version = 1;
    };
    const decided: number[] = [];
    const outcome = await commitWithRetry(addSteps(record, 5, decided), deps);
    expect(decided).toEqual([0, 100]);
    expect(outcome).toEqual({ committed: true, state: { value: 105, version: 2 } });
    expect(deps.bus.batches).toEqual([['v2']]);
  });

  it('writes and delivers nothing when the decision is that nothing changes', async () => {
    const { deps, record } = setup();
    const steps = { ...addSteps(record, 5), decide: () => null };
    expect(await commitWithRetry(steps, deps)).toEqual({ committed: false, state: { value: 0, version: 0 } });
    expect(record.writes).toBe(0);
    expect(deps.bus.batches).toEqual([]);
  });

  it('lets a refusal through without writing', async () => {
    const { deps, record } = setup();
    const steps = {
      ...addSteps(record, 5),
      decide: () => {
        throw new ConflictError('not allowed');
      },
    };
    await expect(commitWithRetry(steps, deps)).rejects.toThrow('not allowed');
    expect(record.writes).toBe(0);
  });

  it('gives up when every attempt loses the race, having delivered nothing', async () => {
    const { deps, record } = setup();
    record.beforeWrite = () => {
      record.version++; // a writer that always gets in first
    };
    const decided: number[] = [];
    await expect(
      commitWithRetry(addSteps(record, 5, decided), deps, { maxAttempts: 2 }),
    ).rejects.toBeInstanceOf(StaleWriteError);
    expect(decided).toHaveLength(2);
    expect(deps.bus.batches).toEqual([]);
  });

  it('keeps the committed change when delivery fails: the entries wait in the outbox for the reconciler', async () => {
    const { deps, outbox, record, warnings } = setup();
    deps.bus.down = true;
    const outcome = await commitWithRetry(addSteps(record, 5), deps, { context: { recordId: 'record-1' } });
    expect(outcome).toEqual({ committed: true, state: { value: 5, version: 1 } });
    expect(outbox.pendingIds(record.ref)).toEqual(['v1']);
    expect(warnings.map(([message, attributes]) => [message, attributes.recordId])).toEqual([
      ['outbox delivery deferred to the reconciler', 'record-1'],
    ]);
  });
});

describe('reconcileOutbox', () => {
  it('re-delivers only what has waited longer than the grace period, and counts what fails again', async () => {
    const { clock, deps, outbox, record } = setup();
    deps.bus.down = true;
    await commitWithRetry(addSteps(record, 5), deps); // written at 09:00:00, not delivered
    const fresh = 'fresh' as OutboxRef;
    clock.advance(20_000);
    outbox.add(fresh, [eventEntry('f1', event('f1'))], clock.now()); // a writer still delivering its own
    clock.advance(15_000);
    const reconciler = { ...deps, now: () => clock.now() };

    expect(await reconcileOutbox(reconciler)).toEqual({ records: 1, failures: 1 });
    expect(outbox.pendingIds(record.ref)).toEqual(['v1']);

    deps.bus.down = false;
    expect(await reconcileOutbox(reconciler)).toEqual({ records: 1, failures: 0 });
    expect(deps.bus.batches).toEqual([['v1']]);
    expect(outbox.pendingIds(record.ref)).toEqual([]);
    expect(outbox.pendingIds(fresh)).toEqual(['f1']);
  });
});
