import { z } from 'zod';
import { addBusinessTime, businessTimeBetween, type Calendar } from './calendar.ts';
import { SlaTargetSchema } from './events.ts';
import { OwnerSchema, PrioritySchema } from './ticket.ts';

/**
 * One SLA clock of one ticket (first response or resolution), as the SLA service stores it.
 * It runs on the calendar of the side that owns the ticket: the partner's (24x7 by default) or
 * internal IT's business hours.
 */
export const SlaClockRecordSchema = z.object({
  tenantId: z.string(),
  ticketId: z.string(),
  target: SlaTargetSchema,
  owner: OwnerSchema,
  priority: PrioritySchema,
  calendar: z.enum(['partner', 'internal']),
  targetMinutes: z.number().positive(),
  startedAt: z.iso.datetime(),
  dueAt: z.iso.datetime(),
  /** Instants at which each warning fraction falls due, keyed by the fraction ("0.75"). */
  warnAt: z.record(z.string(), z.iso.datetime()),
  warned: z.array(z.number()),
  completedAt: z.iso.datetime().nullable(),
  met: z.boolean().nullable(),
  breached: z.boolean(),
  breachedAt: z.iso.datetime().nullable(),
  ticketVersion: z.number().int(),
  /** Optimistic-concurrency revision of this clock. */
  rev: z.number().int().nonnegative(),
});
export type SlaClockRecord = z.infer<typeof SlaClockRecordSchema>;

export interface SlaClockView {
  target: SlaClockRecord['target'];
  owner: SlaClockRecord['owner'];
  targetMinutes: number;
  calendar: SlaClockRecord['calendar'];
  startedAt: string;
  dueAt: string;
  elapsedBusinessMinutes: number;
  remainingBusinessMinutes: number;
  completedAt: string | null;
  met: boolean | null;
  warned: number[];
  breached: boolean;
}

const MINUTE = 60_000;
const round1 = (n: number) => Math.round(n * 10) / 10;

/** What the API shows of a clock at `now`: business time elapsed and remaining on its calendar. */
export function viewSlaClock(clock: SlaClockRecord, cal: Calendar, now: Date): SlaClockView {
  const end = clock.completedAt ? new Date(clock.completedAt) : now;
  const start = new Date(clock.startedAt);
  const elapsed = end > start ? businessTimeBetween(cal, start, end) / MINUTE : 0;
  return {
    target: clock.target,
    owner: clock.owner,
    targetMinutes: clock.targetMinutes,
    calendar: clock.calendar,
    startedAt: clock.startedAt,
    dueAt: clock.dueAt,
    elapsedBusinessMinutes: round1(elapsed),
    remainingBusinessMinutes: round1(Math.max(0, clock.targetMinutes - elapsed)),
    completedAt: clock.completedAt,
    met: clock.met,
    warned: clock.warned,
    breached: clock.breached,
  };
}

/** Due instant of `minutes` of business time from `start` on `cal`. */
export function dueAfter(cal: Calendar, start: Date, minutes: number): Date {
  return addBusinessTime(cal, start, minutes * MINUTE);
}

/** When this clock next needs the sweep: its earliest unsent warning or its breach. */
export function nextFireAt(clock: SlaClockRecord): Date | null {
  if (clock.completedAt) return null;
  const pending = Object.entries(clock.warnAt)
    .filter(([fraction]) => !clock.warned.includes(Number(fraction)))
    .map(([, at]) => at);
  if (!clock.breached) pending.push(clock.dueAt);
  // ISO-8601 UTC instants sort as strings.
  const earliest = pending.sort()[0];
  return earliest ? new Date(earliest) : null;
}
