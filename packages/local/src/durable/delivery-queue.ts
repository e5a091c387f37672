import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeliveryStore, NewDelivery, PendingDelivery } from './delivery-store.ts';

export type Invoke = (functionId: string, event: unknown) => Promise<unknown>;

/** What is kept of a delivery given up: one JSON file in the dead-letter folder. */
export interface DeadLetter {
  deliveryId: number;
  lane: string;
  functionId: string;
  reason: 'retry attempts exhausted' | 'maximum event age exceeded';
  attempts: number;
  lastError: string | null;
  acceptedAt: string;
  deadLetteredAt: string;
  event: unknown;
}

export interface DeliveryQueueOptions {
  store: DeliveryStore;
  invoke: Invoke;
  /** The folder dead letters are written to (the local stand-in for the functions' failure queues). */
  deadLetterDir: string;
  /** Deliveries of a lane in flight at once; default 1 (in acceptance order, one at a time). */
  concurrency?: Record<string, number>;
  /**
   * Back-off before the n-th retry (the last value repeats). Lambda waits about 1 and 2 minutes;
   * the local runtime waits 5 and 20 seconds by default: compressed, yet long enough that a
   * machine busy for a few seconds (a restart resuming hundreds of deliveries) does not exhaust
   * the attempts and dead-letter work that AWS would have retried minutes later.
   */
  retryDelaysMs?: readonly number[];
  now?: () => number;
  log?: (msg: string, extra?: unknown) => void;
}

interface Lane {
  name: string;
  concurrency: number;
  /** Pending deliveries of the lane, in acceptance order (in flight ones included). */
  queue: PendingDelivery[];
  inFlight: Set<number>;
  timer: NodeJS.Timeout | undefined;
}

/**
 * The local stand-in for EventBridge's target delivery and Lambda's asynchronous invocation queue:
 * every delivery is first recorded in the {@link DeliveryStore}, then invoked; a failure is
 * retried after a back-off up to the policy's attempts, and a delivery that runs out of attempts
 * or outlives its maximum age becomes a dead letter (a JSON file). A restart on the same folder
 * resumes every pending delivery, so each is delivered at least once (consumers are idempotent).
 *
 * Each lane starts its deliveries in acceptance order, `concurrency` at a time (one by default),
 * so a target sees events in publish order while nothing fails. A failed delivery waits for its
 * retry without holding up the lane: one poison event never blocks the ones behind it.
 */
export class DurableDeliveryQueue {
  private readonly store: DeliveryStore;
  private readonly invoke: Invoke;
  private readonly deadLetterDir: string;
  private readonly concurrency: Record<string, number>;
  private readonly retryDelaysMs: readonly number[];
  private readonly now: () => number;
  private readonly log: (msg: string, extra?: unknown) => void;
  private readonly lanes = new Map<string, Lane>();
  private readonly running = new Set<Promise<void>>();
  private idleWaiters: (() => void)[] = [];
  private started = false;
  private stopped = false;

  constructor(opts: DeliveryQueueOptions) {
    this.store = opts.store;
    this.invoke = opts.invoke;
    this.deadLetterDir = opts.deadLetterDir;
    this.concurrency = opts.concurrency ?? {};
    this.retryDelaysMs = opts.retryDelaysMs ?? [5_000, 20_000];
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? (() => {});
  }

  /** Loads what a previous run left pending and starts delivering; returns that count by lane. */
  start(): Record<string, number> {
    const recovered: Record<string, number> = {};
    for (const delivery of this.store.pending()) {
      this.lane(delivery.lane).queue.push(delivery);
      recovered[delivery.lane] = (recovered[delivery.lane] ?? 0) + 1;
    }
    this.started = true;
    for (const lane of this.lanes.values()) this.pump(lane);
    return recovered;
  }

  /**
   * Accepts deliveries: once this returns they are on disk (with whatever `alsoInTransaction`
   * wrote), and they are delivered even if the process dies the next moment.
   */
  enqueue(items: readonly NewDelivery[], alsoInTransaction?: () => void): PendingDelivery[] {
    const added = this.store.add(items, this.now(), alsoInTransaction);
    for (const delivery of added) this.lane(delivery.lane).queue.push(delivery);
    for (const lane of new Set(added.map((d) => d.lane))) this.pump(this.lane(lane));
    return added;
  }

  /** Whether a delivery of the lane is pending (in flight or waiting). */
  hasPending(lane: string): boolean {
    return (this.lanes.get(lane)?.queue.length ?? 0) > 0;
  }

  /** Pending deliveries by lane (in flight ones included). */
  pendingByLane(): Record<string, number> {
    return Object.fromEntries(
      [...this.lanes.values()].filter((l) => l.queue.length > 0).map((l) => [l.name, l.queue.length]),
    );
  }

  /** Resolves once nothing is pending: every accepted delivery succeeded or was dead-lettered. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Starts no further delivery and waits, until `deadline` (epoch ms) at most, for those in
   * flight. What is left stays pending on disk for the next start; returns how many that is.
   */
  async stop(deadline: number): Promise<number> {
    this.stopped = true;
    for (const lane of this.lanes.values()) clearTimeout(lane.timer);
    const remaining = Math.max(0, deadline - Date.now());
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.running]),
      new Promise((r) => {
        timer = setTimeout(r, remaining);
      }),
    ]);
    clearTimeout(timer);
    return [...this.lanes.values()].reduce((n, l) => n + l.queue.length, 0);
  }

  private lane(name: string): Lane {
    let lane = this.lanes.get(name);
    if (!lane) {
      lane = {
        name,
        concurrency: this.concurrency[name] ?? 1,
        queue: [],
        inFlight: new Set(),
        timer: undefined,
      };
      this.lanes.set(name, lane);
    }
    return lane;
  }

  private pump(lane: Lane): void {
    if (!this.started || this.stopped) return;
    clearTimeout(lane.timer);
    lane.timer = undefined;
    const now = this.now();
    let wakeAt = Number.POSITIVE_INFINITY;
    for (const delivery of lane.queue) {
      if (lane.inFlight.size >= lane.concurrency) break;
      if (lane.inFlight.has(delivery.id)) continue;
      if (delivery.notBefore > now) {
        wakeAt = Math.min(wakeAt, delivery.notBefore);
        continue;
      }
      this.begin(lane, delivery);
    }
    if (wakeAt !== Number.POSITIVE_INFINITY && lane.inFlight.size < lane.concurrency) {
      lane.timer = setTimeout(() => this.pump(lane), Math.max(0, wakeAt - this.now()));
    }
  }

  private begin(lane: Lane, delivery: PendingDelivery): void {
    lane.inFlight.add(delivery.id);
    const run = this.attempt(delivery)
      .catch((err) => this.log(`delivery ${delivery.id} to ${delivery.functionId} not recorded`, err))
      .finally(() => {
        lane.inFlight.delete(delivery.id);
        this.running.delete(run);
        this.pump(lane);
        if (this.isIdle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
      });
    this.running.add(run);
  }

  private async attempt(delivery: PendingDelivery): Promise<void> {
    if (this.now() - delivery.acceptedAt > delivery.policy.maxAgeMs) {
      await this.deadLetter(delivery, 'maximum event age exceeded');
      return;
    }
    try {
      await this.invoke(delivery.functionId, JSON.parse(delivery.payload));
    } catch (err) {
      delivery.attempts++;
      delivery.lastError = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      if (delivery.attempts >= delivery.policy.maxAttempts) {
        this.log(`${delivery.functionId} failed ${delivery.attempts} times: dead-lettered`, err);
        await this.deadLetter(delivery, 'retry attempts exhausted');
        return;
      }
      const delay = this.retryDelaysMs[Math.min(delivery.attempts, this.retryDelaysMs.length) - 1] ?? 0;
      delivery.notBefore = this.now() + delay;
      this.log(`${delivery.functionId} failed (attempt ${delivery.attempts}); retrying in ${delay} ms`, err);
      // Once the store is closed (a shutdown past its grace) the row stays as it was: the
      // attempt is not counted, and the next start delivers it again.
      if (this.store.isOpen)
        this.store.retryLater(delivery.id, delivery.attempts, delivery.notBefore, delivery.lastError);
      return;
    }
    this.settle(delivery);
  }

  private async deadLetter(delivery: PendingDelivery, reason: DeadLetter['reason']): Promise<void> {
    const letter: DeadLetter = {
      deliveryId: delivery.id,
      lane: delivery.lane,
      functionId: delivery.functionId,
      reason,
      attempts: delivery.attempts,
      lastError: delivery.lastError,
      acceptedAt: new Date(delivery.acceptedAt).toISOString(),
      deadLetteredAt: new Date(this.now()).toISOString(),
      event: JSON.parse(delivery.payload),
    };
    await mkdir(this.deadLetterDir, { recursive: true });
    // Named by the delivery: written again after a crash, it replaces itself.
    const name = `${String(delivery.id).padStart(10, '0')}-${delivery.functionId}.json`;
    await writeFile(join(this.deadLetterDir, name), `${JSON.stringify(letter, null, 2)}\n`);
    this.settle(delivery);
  }

  private settle(delivery: PendingDelivery): void {
    if (this.store.isOpen) this.store.finish(delivery.id);
    const lane = this.lane(delivery.lane);
    const at = lane.queue.indexOf(delivery);
    if (at >= 0) lane.queue.splice(at, 1);
  }

  private isIdle(): boolean {
    for (const lane of this.lanes.values()) if (lane.queue.length > 0) return false;
    return true;
  }
}
