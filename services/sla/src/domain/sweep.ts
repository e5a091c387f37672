import { StaleWriteError } from '@psa/model/errors';
import { nextFireAt, type SlaClockRecord } from '@psa/model/sla-clock';
import { type DivisionOfWorkCache, type SlaDeps, type SyncResult, syncTicket } from './sync-clocks.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface SweepOptions {
  /** How far back the very first sweep (no watermark yet) looks. Default 48 hours. */
  lookbackHours?: number;
  /** Due-index rows per query. Default 100. */
  pageSize?: number;
  /** A clock that cannot be brought forward is looked at again after this long. Default 15 minutes. */
  deferMinutes?: number;
  /**
   * The watermark stays this far behind now, so a writer that computed a fire time a moment ago
   * and writes it late still lands in a window the next sweep reads. Default 10 minutes (well
   * over the SLA functions' 30 s timeout).
   */
  settleMinutes?: number;
  /** Tickets synced at once. Default 10. */
  concurrency?: number;
}

export interface SweepResult {
  /** SLA events written (warnings, breaches, met). */
  fired: number;
  /** Windows of the due index read (the store decides how wide: an hour in DynamoDB). */
  buckets: number;
  /** Tickets whose clocks were brought up to date. */
  tickets: number;
  /** Clocks that could not be brought forward and were put back for later. */
  deferred: number;
  /**
   * How far, in seconds, the watermark trails the newest window this sweep may drain (the window
   * of now minus the settle time) once it is done; 0 when it keeps up (the SlaSweepLag metric).
   */
  lagSeconds: number;
}

/**
 * Publish every warning and breach that has fallen due. It reads the due index window by window
 * from its watermark, the first window not yet drained, to now, so its cost follows what is due,
 * not how many clocks are open, and a sweep that runs late, even days late, reads every window
 * it missed. Each due clock's ticket is synced, which fires what fell due. Overlapping
 * sweeps race on the clocks' revisions and only one publishes each event.
 *
 * A clock that cannot be brought forward (its ticket or tenant is gone, or syncing it fails) is
 * deferred, re-indexed a little later, so it neither holds back the rows behind it in its window
 * (the sweep pages on) nor pins the watermark.
 */
export async function sweepDueClocks(deps: SlaDeps, opts: SweepOptions = {}): Promise<SweepResult> {
  const now = deps.clock.now();
  const t = now.getTime();
  const pageSize = opts.pageSize ?? 100;
  const mark = await deps.sla.getSweepMark();
  const last = deps.sla.dueWindowAt(now);
  const synced = new Map<string, Promise<SyncResult | null>>();
  const dows: DivisionOfWorkCache = new Map();
  const result: SweepResult = { fired: 0, buckets: 0, tickets: 0, deferred: 0, lagSeconds: 0 };
  /** The start of the first window with a clock that could not be settled. */
  let undrained: Date | null = null;

  const sync = (clock: SlaClockRecord) => {
    const key = `${clock.tenantId}/${clock.ticketId}`;
    let pending = synced.get(key);
    if (!pending) {
      pending = syncTicket({ tenantId: clock.tenantId, ticketId: clock.ticketId }, deps, dows).then(
        (r) => {
          result.tickets++;
          result.fired += r.fired;
          return r;
        },
        (error: unknown) => {
          deps.logger.warn('SLA sweep could not sync a ticket', { ticketId: clock.ticketId, error });
          return null;
        },
      );
      synced.set(key, pending);
    }
    return pending;
  };

  /** True when the row no longer needs this window: it progressed, or it was put off for later. */
  const settle = async (row: SlaClockRecord): Promise<boolean> => {
    const after = (await sync(row))?.clocks.get(row.clockId);
    const fire = after ? nextFireAt(after) : null;
    if (after && (!fire || fire > now)) return true;
    const base = after ?? row;
    try {
      await deps.sla.saveClock(
        {
          ...base,
          deferredUntil: new Date(t + (opts.deferMinutes ?? 15) * MINUTE).toISOString(),
          rev: base.rev + 1,
        },
        [],
      );
      result.deferred++;
      deps.logger.warn('SLA clock deferred: it could not be brought forward', {
        ticketId: row.ticketId,
        clock: row.clockId,
      });
      return true;
    } catch (error) {
      if (error instanceof StaleWriteError) return true; // someone else moved it on
      deps.logger.warn('SLA clock could not be deferred', {
        ticketId: row.ticketId,
        clock: row.clockId,
        error,
      });
      return false;
    }
  };

  const first = deps.sla.dueWindowAt(mark ?? new Date(t - (opts.lookbackHours ?? 48) * HOUR));
  for (let window = first; window.start <= last.start; window = deps.sla.dueWindowAt(window.end)) {
    result.buckets++;
    let cursor: string | null = null;
    do {
      const page = await deps.sla.listDuePage(window, now, pageSize, cursor);
      const settled = await mapLimit(page.clocks, opts.concurrency ?? 10, settle);
      if (settled.includes(false)) undrained ??= window.start;
      cursor = page.cursor;
    } while (cursor);
  }

  // Every window before the settle margin is drained now (deferred clocks were re-indexed ahead).
  const drained = deps.sla.dueWindowAt(new Date(t - (opts.settleMinutes ?? 10) * MINUTE)).start;
  const to = undrained && undrained < drained ? undrained : drained;
  if (!mark || to > mark) await deps.sla.advanceSweepMark(to);
  const watermark = mark && mark > to ? mark : to;
  result.lagSeconds = Math.max(0, Math.floor((drained.getTime() - watermark.getTime()) / 1000));
  return result;
}

/** `items.map(fn)` with at most `limit` calls in flight, results in order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
