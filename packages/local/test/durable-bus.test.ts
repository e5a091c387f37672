import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { Subscription } from '@psa/contracts/wiring';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalEventBus } from '../src/bus.ts';
import { type DeadLetter, DurableDeliveryQueue, type Invoke } from '../src/durable/delivery-queue.ts';
import { type DeliveryPolicy, DeliveryStore } from '../src/durable/delivery-store.ts';

/** Two rules match a received ticket (router, reporting); one matches nothing sent here. */
const SUBSCRIPTIONS: Subscription[] = [
  {
    id: 'Route',
    functionId: 'RouterOnTicketReceived',
    pattern: { source: ['psa.intake'], 'detail-type': ['TicketReceived'] },
  },
  {
    id: 'Project',
    functionId: 'ReportingProjector',
    pattern: { source: ['psa.intake'], 'detail-type': ['TicketReceived'] },
  },
  { id: 'Sla', functionId: 'SlaOnTicketEvent', pattern: { source: ['psa.sla'] } },
];
const POLICY: DeliveryPolicy = { maxAttempts: 3, maxAgeMs: 6 * 3600_000 };

let dir: string;
const running: { close: () => Promise<void> }[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'psa-bus-'));
});
afterEach(async () => {
  for (const r of running.splice(0)) await r.close();
  await rm(dir, { recursive: true, force: true });
});

/** Invocations by function, and what each returns (a function of the event and its attempt). */
function recorder(
  behaviour: (functionId: string, ticket: string, call: number) => Promise<unknown> | unknown,
) {
  const calls: Record<string, string[]> = {};
  const invoke: Invoke = async (functionId, event) => {
    const ticket = (event as { detail: { ticketId: string } }).detail.ticketId;
    const list = calls[functionId] ?? [];
    calls[functionId] = list;
    list.push(ticket);
    return behaviour(functionId, ticket, list.filter((t) => t === ticket).length);
  };
  return { calls, invoke };
}

/** A bus and its durable queue on the data folder, as the local runtime builds them. */
async function openBus(invoke: Invoke, opts: { now?: () => number; retryDelaysMs?: number[] } = {}) {
  const store = new DeliveryStore(join(dir, 'deliveries.db'));
  const queue = new DurableDeliveryQueue({
    store,
    invoke,
    deadLetterDir: join(dir, 'dead-letters'),
    retryDelaysMs: opts.retryDelaysMs ?? [5, 5],
    ...(opts.now ? { now: opts.now } : {}),
  });
  const bus = new LocalEventBus({ subscriptions: SUBSCRIPTIONS, queue, policy: POLICY });
  const endpoint = await bus.listen();
  const client = new EventBridgeClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
  const recovered = queue.start();
  let closed = false;
  /** What a SIGKILL leaves: nothing more is written or invoked; the file handles go away. */
  const abandon = async () => {
    if (closed) return;
    closed = true;
    await queue.stop(Date.now());
    await bus.close();
    client.destroy();
    store.close();
  };
  running.push({ close: abandon });
  const put = (...tickets: string[]) =>
    client.send(
      new PutEventsCommand({
        Entries: tickets.map(
          (ticketId): PutEventsRequestEntry => ({
            Source: 'psa.intake',
            DetailType: 'TicketReceived',
            Detail: JSON.stringify({ tenantId: 'acme', ticketId }),
          }),
        ),
      }),
    );
  return { store, queue, endpoint, put, recovered, abandon };
}

const never = () => new Promise<never>(() => {});

async function deadLetters(): Promise<DeadLetter[]> {
  const names = await readdir(join(dir, 'dead-letters')).catch(() => [] as string[]);
  return Promise.all(
    names
      .sort()
      .map(async (n) => JSON.parse(await readFile(join(dir, 'dead-letters', n), 'utf8')) as DeadLetter),
  );
}

describe('the durable local EventBridge', () => {
  it('answers PutEvents only once a delivery per matching target is on disk', async () => {
    const first = await openBus(never);
    const out = await first.put('T1');
    expect(out.FailedEntryCount).toBe(0);
    // Another reader of the folder sees both deliveries the moment the answer arrived.
    const reader = new DeliveryStore(join(dir, 'deliveries.db'));
    try {
      const pending = reader.pending();
      expect(pending.map((d) => [d.lane, d.functionId])).toEqual([
        ['Route', 'RouterOnTicketReceived'],
        ['Project', 'ReportingProjector'],
      ]);
      expect(JSON.parse(pending[0]!.payload)).toMatchObject({
        id: out.Entries![0]!.EventId,
        source: 'psa.intake',
        'detail-type': 'TicketReceived',
        detail: { ticketId: 'T1' },
      });
    } finally {
      reader.close();
    }
  });

  it('after a crash, delivers each accepted event to every target that had not succeeded, and only to those', async () => {
    // The router never returns (the process dies under it); the projector succeeds.
    const before = recorder((fn) => (fn === 'RouterOnTicketReceived' ? never() : undefined));
    const first = await openBus(before.invoke);
    await first.put('T1', 'T2');
    await waitFor(() => (before.calls.ReportingProjector?.length ?? 0) === 2);
    await first.abandon();

    const after = recorder(() => undefined);
    const second = await openBus(after.invoke);
    expect(second.recovered).toEqual({ Route: 2 });
    await second.queue.idle();
    expect(after.calls).toEqual({ RouterOnTicketReceived: ['T1', 'T2'] });
    expect(second.store.pending()).toEqual([]);
  });

  it('retries a failing target, then keeps the event as a dead letter with the error; the other target gets it once', async () => {
    const { calls, invoke } = recorder((fn) => {
      if (fn === 'RouterOnTicketReceived') throw new Error('DynamoDB said no');
    });
    const bus = await openBus(invoke);
    await bus.put('T1');
    await bus.queue.idle();
    expect(calls).toEqual({ RouterOnTicketReceived: ['T1', 'T1', 'T1'], ReportingProjector: ['T1'] });
    const letters = await deadLetters();
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      lane: 'Route',
      functionId: 'RouterOnTicketReceived',
      reason: 'retry attempts exhausted',
      attempts: 3,
      lastError: 'Error: DynamoDB said no',
      event: { 'detail-type': 'TicketReceived', detail: { ticketId: 'T1' } },
    });
    expect(bus.store.pending()).toEqual([]);
  });

  it('delivers again to a target that failed once (at least once per target), with no dead letter', async () => {
    const { calls, invoke } = recorder((fn, _t, call) => {
      if (fn === 'ReportingProjector' && call === 1) throw new Error('throttled');
    });
    const bus = await openBus(invoke);
    await bus.put('T1');
    await bus.queue.idle();
    expect(calls).toEqual({ RouterOnTicketReceived: ['T1'], ReportingProjector: ['T1', 'T1'] });
    expect(await deadLetters()).toEqual([]);
  });

  it('keeps a failed attempt across a restart: the attempts left are what the policy has left', async () => {
    const before = recorder((fn) => {
      if (fn === 'RouterOnTicketReceived') throw new Error('down');
    });
    // A long back-off: the first run ends (crashes) between the first and second attempts.
    const first = await openBus(before.invoke, { retryDelaysMs: [3_600_000] });
    await first.put('T1');
    await waitFor(() => first.store.pending().some((d) => d.attempts === 1));
    await first.abandon();

    const after = recorder((fn) => {
      if (fn === 'RouterOnTicketReceived') throw new Error('still down');
    });
    const second = await openBus(after.invoke, { now: () => Date.now() + 3_600_001 });
    await second.queue.idle();
    expect(after.calls).toEqual({ RouterOnTicketReceived: ['T1', 'T1'] });
    expect(await deadLetters()).toMatchObject([{ attempts: 3, lastError: 'Error: still down' }]);
  });

  it('dead-letters a delivery older than its maximum event age instead of invoking it', async () => {
    const first = await openBus(never);
    await first.put('T1');
    await first.abandon();

    const after = recorder(() => undefined);
    const second = await openBus(after.invoke, { now: () => Date.now() + POLICY.maxAgeMs + 60_000 });
    await second.queue.idle();
    expect(after.calls).toEqual({});
    expect((await deadLetters()).map((l) => [l.functionId, l.reason, l.attempts])).toEqual([
      ['RouterOnTicketReceived', 'maximum event age exceeded', 0],
      ['ReportingProjector', 'maximum event age exceeded', 0],
    ]);
  });

  it('delivers to each target in publish order', async () => {
    const { calls, invoke } = recorder(() => undefined);
    const bus = await openBus(invoke);
    const tickets = Array.from({ length: 25 }, (_, i) => `T${i}`);
    for (let i = 0; i < tickets.length; i += 5) await bus.put(...tickets.slice(i, i + 5));
    await bus.queue.idle();
    expect(calls.RouterOnTicketReceived).toEqual(tickets);
    expect(calls.ReportingProjector).toEqual(tickets);
  });

  it('does not hold a target’s later events behind one waiting for its retry', async () => {
    const { calls, invoke } = recorder((fn, ticket) => {
      if (fn === 'RouterOnTicketReceived' && ticket === 'poison') throw new Error('cannot parse');
    });
    const bus = await openBus(invoke, { retryDelaysMs: [3_600_000] });
    await bus.put('poison', 'T1', 'T2', 'T3');
    await waitFor(() => (calls.RouterOnTicketReceived?.length ?? 0) === 4);
    expect(calls.RouterOnTicketReceived).toEqual(['poison', 'T1', 'T2', 'T3']);
    expect(bus.queue.pendingByLane()).toEqual({ Route: 1 });
  });

  it('refuses a request that is not PutEvents with a 400 and keeps nothing', async () => {
    const bus = await openBus(never);
    const res = await fetch(bus.endpoint, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSEvents.ListRules' },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ __type: 'ValidationException' });
    expect(bus.store.pending()).toEqual([]);
  });
});

/** Polls a condition the system reaches on its own; fails loudly if it never does. */
async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
