import { StaleWriteError } from '@psa/common/errors';
import { keys } from '@psa/common/table';
import { advanceClock, calendarOf } from './clocks.ts';
import type { SlaDeps } from './sync-clocks.ts';
import { saveAndPublish } from './sync-clocks.ts';

const HOUR = 3_600_000;

/**
 * Publish every warning and breach that has fallen due. It reads only the due-index buckets
 * from `since` to now (one hour each), so its cost follows what is due, not how many tickets are
 * open. A late or missed run catches up by reading the older buckets; overlapping runs race on
 * the clock's revision and only one publishes.
 */
export async function sweepDueClocks(
  deps: SlaDeps,
  opts: { lookbackHours?: number; pageSize?: number } = {},
): Promise<{ fired: number; buckets: number }> {
  const now = deps.clock.now();
  const lookback = opts.lookbackHours ?? 48;
  let fired = 0;
  let buckets = 0;
  const dows = new Map<string, Awaited<ReturnType<SlaDeps['tenants']['getDivisionOfWork']>>>();
  for (let t = now.getTime() - lookback * HOUR; t <= now.getTime() + HOUR - 1; t += HOUR) {
    const bucket = keys.dueBucket(new Date(Math.min(t, now.getTime())));
    buckets++;
    for (;;) {
      const due = await deps.sla.listDue(bucket, now, opts.pageSize ?? 100);
      if (due.length === 0) break;
      let progressed = 0;
      for (const clock of due) {
        const ticket = await deps.tickets.get(clock.tenantId, clock.ticketId);
        if (!dows.has(clock.tenantId))
          dows.set(clock.tenantId, await deps.tenants.getDivisionOfWork(clock.tenantId));
        const dow = dows.get(clock.tenantId);
        if (!ticket || !dow) continue;
        const advanced = advanceClock(clock, ticket, calendarOf(clock.calendar, dow), now);
        if (!advanced) continue;
        try {
          await saveAndPublish(advanced.clock, advanced.events, deps);
          fired += advanced.events.length;
          progressed++;
        } catch (err) {
          if (!(err instanceof StaleWriteError)) throw err; // another sweep got there first
        }
      }
      if (progressed === 0) break;
    }
  }
  return { fired, buckets };
}
