import type { Schedule } from '@psa/contracts/wiring';
import type { DurableDeliveryQueue } from './durable/delivery-queue.ts';
import type { DeliveryPolicy, DeliveryStore } from './durable/delivery-store.ts';

/** The lane of a schedule's ticks in the delivery queue. */
export const scheduleLane = (id: string) => `schedule:${id}`;

/** The event an EventBridge `rate()` rule delivers to its target. */
export function scheduledEvent(at: number) {
  return {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'us-east-1',
    resources: [],
    detail: {},
  };
}

/**
 * The local EventBridge Scheduler: each SCHEDULE fires every `everyMinutes` on the local clock
 * (the one `PSA_CLOCK_START` moves), and each tick is a delivery in the durable queue with the
 * ticks' retry policy. The last time each schedule fired is kept beside the deliveries, so a
 * schedule that fell due while the runtime was down (or while the local clock was moved past
 * it) fires once at start, and one that did not waits for its time. A tick that finds the
 * previous one still pending is folded into it (a rule target with reserved concurrency 1).
 */
export class LocalScheduler {
  private readonly schedules: readonly Schedule[];
  private readonly queue: DurableDeliveryQueue;
  private readonly store: DeliveryStore;
  private readonly policy: DeliveryPolicy;
  private readonly now: () => number;
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(opts: {
    schedules: readonly Schedule[];
    queue: DurableDeliveryQueue;
    store: DeliveryStore;
    policy: DeliveryPolicy;
    /** The local clock (epoch ms). */
    now: () => number;
  }) {
    this.schedules = opts.schedules;
    this.queue = opts.queue;
    this.store = opts.store;
    this.policy = opts.policy;
    this.now = opts.now;
  }

  /** Fires every schedule that is due (never run, or missed) and times the rest; returns the fired ids. */
  start(): string[] {
    const fired: string[] = [];
    for (const schedule of this.schedules) {
      const period = schedule.everyMinutes * 60_000;
      const last = this.store.lastRun(schedule.id);
      const now = this.now();
      if (last === undefined || now - last >= period) {
        this.fire(schedule);
        fired.push(schedule.id);
        this.every(schedule, period);
      } else {
        // Never more than one period away, even if the local clock was moved back since.
        this.every(schedule, Math.min(period, last + period - now));
      }
    }
    return fired;
  }

  /** Fires the schedule now (tests, an operator), as its next tick would. */
  fire(schedule: Schedule): void {
    const at = this.now();
    const record = () => this.store.recordRun(schedule.id, at);
    if (this.queue.hasPending(scheduleLane(schedule.id))) this.queue.enqueue([], record);
    else
      this.queue.enqueue(
        [
          {
            lane: scheduleLane(schedule.id),
            functionId: schedule.functionId,
            payload: scheduledEvent(at),
            policy: this.policy,
          },
        ],
        record,
      );
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private every(schedule: Schedule, firstDelayMs: number): void {
    const period = schedule.everyMinutes * 60_000;
    const tick = (delay: number) => {
      this.timers.set(
        schedule.id,
        setTimeout(() => {
          this.fire(schedule);
          tick(period);
        }, delay),
      );
    };
    tick(Math.max(0, firstDelayMs));
  }
}
