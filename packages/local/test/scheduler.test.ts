import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Schedule } from '@psa/contracts/wiring';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DurableDeliveryQueue, type Invoke } from '../src/durable/delivery-queue.ts';
import { DeliveryStore } from '../src/durable/delivery-store.ts';
import { LocalScheduler, scheduleLane } from '../src/scheduler.ts';

const SWEEP: Schedule = { id: 'Sweep', functionId: 'SlaSweep', everyMinutes: 1 };
const RELIEF: Schedule = { id: 'Relief', functionId: 'MonthlyRelief', everyMinutes: 60 };
/** The local clock: 10:30 on the day the runtime restarts. */
const NOW = Date.parse('2026-11-03T10:30:00Z');
const MINUTE = 60_000;

let dir: string;
let stops: (() => unknown)[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'psa-scheduler-'));
});
afterEach(async () => {
  for (const stop of stops.reverse()) await stop();
  stops = [];
  await rm(dir, { recursive: true, force: true });
});

function open(invoke: Invoke) {
  const store = new DeliveryStore(join(dir, 'deliveries.db'));
  const queue = new DurableDeliveryQueue({ store, invoke, deadLetterDir: join(dir, 'dead-letters') });
  const scheduler = new LocalScheduler({
    schedules: [SWEEP, RELIEF],
    queue,
    store,
    policy: { maxAttempts: 3, maxAgeMs: 5 * MINUTE },
    now: () => NOW,
  });
  stops.push(
    () => store.close(),
    () => queue.stop(Date.now()),
    () => scheduler.stop(),
  );
  queue.start();
  return { store, queue, scheduler };
}

function recorder() {
  const calls: { functionId: string; event: { source: string; 'detail-type': string; time: string } }[] = [];
  const invoke: Invoke = async (functionId, event) => {
    calls.push({ functionId, event: event as (typeof calls)[number]['event'] });
  };
  return { calls, invoke };
}

describe('the local scheduler', () => {
  it('fires every schedule on a first start, once, with the event a rate() rule sends', async () => {
    const { calls, invoke } = recorder();
    const { scheduler, queue, store } = open(invoke);
    expect(scheduler.start()).toEqual(['Sweep', 'Relief']);
    await queue.idle();
    expect(calls.map((c) => c.functionId)).toEqual(['SlaSweep', 'MonthlyRelief']);
    expect(calls[0]!.event).toMatchObject({
      source: 'aws.events',
      'detail-type': 'Scheduled Event',
      time: '2026-11-03T10:30:00Z',
    });
    expect(store.lastRun('Sweep')).toBe(NOW);
  });

  it('fires once at start a schedule that fell due while the runtime was down, and not one still within its period', async () => {
    const before = open(recorder().invoke);
    before.store.recordRun('Sweep', NOW - 7 * MINUTE);
    before.store.recordRun('Relief', NOW - 20 * MINUTE);
    before.store.close();

    const { calls, invoke } = recorder();
    const { scheduler, queue, store } = open(invoke);
    expect(scheduler.start()).toEqual(['Sweep']);
    await queue.idle();
    // Seven ticks were missed; one run catches up (each run covers everything due by then).
    expect(calls.map((c) => c.functionId)).toEqual(['SlaSweep']);
    expect(store.lastRun('Sweep')).toBe(NOW);
    expect(store.lastRun('Relief')).toBe(NOW - 20 * MINUTE);
  });

  it('folds a tick into the previous one while that is still pending', async () => {
    const { scheduler, queue, store } = open(() => new Promise(() => {}));
    scheduler.fire(SWEEP);
    scheduler.fire(SWEEP);
    scheduler.fire(SWEEP);
    expect(queue.pendingByLane()).toEqual({ [scheduleLane('Sweep')]: 1 });
    expect(store.pending()).toHaveLength(1);
    expect(store.lastRun('Sweep')).toBe(NOW);
  });

  it('delivers after a restart a tick that was pending when the process died', async () => {
    const first = open(() => new Promise(() => {}));
    first.scheduler.fire(RELIEF);
    await first.queue.stop(Date.now());
    first.store.close();

    const { calls, invoke } = recorder();
    const { queue } = open(invoke);
    await queue.idle();
    expect(calls.map((c) => c.functionId)).toEqual(['MonthlyRelief']);
  });
});
