import { addBusinessTime, businessTimeBetween, type Pause } from '@psa/calendar/business-time';
import type { Calendar } from '@psa/calendar/resolved';
import * as z from 'zod';
import { SlaTargetSchema } from './events.ts';
import type { OutboxEntry, OutboxRef } from './ports.ts';
import { OwnerSchema, PrioritySchema } from './ticket.ts';

/** The two sides of the partnership; each side's clocks run on its own calendar. */
export const SlaSideSchema = z.enum(['partner', 'internal']);
export type SlaSide = z.infer<typeof SlaSideSchema>;

/**
 * Why a clock is not running now: a pause status (waiting on the customer), the ticket is
 * resolved or closed, the other side holds the ticket, this side was handed it and has not
 * accepted it yet, or the clock no longer applies (`withdrawn`: e.g. a handoff that turned out
 * not to have happened).
 */
export const PauseReasonSchema = z.enum(['status', 'closed', 'handedOff', 'awaitingAcceptance', 'withdrawn']);
export type PauseReason = z.infer<typeof PauseReasonSchema>;

/** A stretch during which a clock did not run; `end` null: it has not ended (the clock is paused). */
export const ClockPauseSchema = z.object({ start: z.iso.datetime(), end: z.iso.datetime().nullable() });
export type ClockPause = z.infer<typeof ClockPauseSchema>;

/**
 * One SLA clock of one ticket, as the SLA service stores it (item `SLA#{clockId}` in the ticket's
 * partition). A ticket has, per side that held it: `{side}.firstResponse` (the side it was routed
 * to), `{side}.resolution`, `{side}.nextUpdate` (when the policy sets a next-update target) and
 * one `{side}.handoff.{n}` per handoff to that side. Each runs on its side's calendar, and only
 * while that side holds the ticket, minus pauses. The record holds the current period (`cycle`)
 * and what was already announced for it (`warned`, `breached`), which makes each event once.
 */
export const SlaClockRecordSchema = z.object({
  tenantId: z.string(),
  ticketId: z.string(),
  /** `partner.firstResponse`, `internal.resolution`, `internal.handoff.1`, ... */
  clockId: z.string(),
  target: SlaTargetSchema,
  owner: OwnerSchema,
  priority: PrioritySchema,
  /** The side whose clock this is, and so the calendar it runs on. */
  calendar: SlaSideSchema,
  targetMinutes: z.number().positive(),
  /** Period: 0, then one more per next update, or per reopen when the policy restarts resolution. */
  cycle: z.number().int().nonnegative(),
  startedAt: z.iso.datetime(),
  /** When the clock did not run since `startedAt` (sorted, disjoint; only the last may be open). */
  pauses: z.array(ClockPauseSchema),
  /** Why the clock is paused now; null while it runs or once completed. */
  pausedFor: PauseReasonSchema.nullable(),
  /** Due instant on the calendar, pauses included; null while paused before reaching it. */
  dueAt: z.iso.datetime().nullable(),
  /** Instants at which each warning fraction falls due, keyed by the fraction ("0.75"). */
  warnAt: z.record(z.string(), z.iso.datetime()),
  warned: z.array(z.number()),
  completedAt: z.iso.datetime().nullable(),
  met: z.boolean().nullable(),
  breached: z.boolean(),
  breachedAt: z.iso.datetime().nullable(),
  /** Earlier periods of this clock that were breached (next update; resolution restarted by a reopen). */
  priorBreaches: z.number().int().nonnegative(),
  /** A sweep could not bring this clock forward: it is looked at again from this instant. */
  deferredUntil: z.iso.datetime().nullable(),
  ticketVersion: z.number().int(),
  /** Optimistic-concurrency revision of this clock. */
  rev: z.number().int().nonnegative(),
});
export type SlaClockRecord = z.infer<typeof SlaClockRecordSchema>;

/** The read and write side of SLA clocks every service uses. */
export interface SlaStore {
  listClocks(tenantId: string, ticketId: string): Promise<SlaClockRecord[]>;
  /**
   * Write a clock if its stored revision is `clock.rev - 1` (0 = must not exist); StaleWriteError
   * otherwise. Outbox entries (SLA events) are written atomically with it; returns where they
   * are kept.
   */
  saveClock(clock: SlaClockRecord, outbox: OutboxEntry[]): Promise<OutboxRef>;
}

/**
 * A stretch of time in the due index, `start` inclusive to `end` exclusive. The store decides how
 * wide each is; consecutive windows meet (one's `end` is the next one's `start`).
 */
export interface DueWindow {
  readonly start: Date;
  readonly end: Date;
}

/**
 * What the SLA service needs of its store beyond the read side every service uses (`SlaStore`):
 * withdrawn clocks too, the due index read window by window and page by page, and the sweep's
 * watermark. A clock is indexed at its next fire time, or at the time it was written when that
 * is later (a fire time already past), so a window holds clocks due up to its end, and earlier.
 */
export interface SlaClockStore extends SlaStore {
  /** A ticket's clocks, withdrawn ones included (`listClocks` leaves them out). */
  listAllClocks(tenantId: string, ticketId: string): Promise<SlaClockRecord[]>;
  /** The window of the due index that `at` falls in. */
  dueWindowAt(at: Date): DueWindow;
  /**
   * One page of the clocks indexed in `window` that are due at or before `until`; `cursor`
   * continues after the last page.
   */
  listDuePage(
    window: DueWindow,
    until: Date,
    limit: number,
    cursor?: string | null,
  ): Promise<{ clocks: SlaClockRecord[]; cursor: string | null }>;
  /** The start of the first window a sweep still has to read (every earlier one was drained), if any sweep ran. */
  getSweepMark(): Promise<Date | null>;
  /** Move the watermark forward to `to`, the start of a window (never back). */
  advanceSweepMark(to: Date): Promise<void>;
}

export interface SlaClockView {
  clock: string;
  target: SlaClockRecord['target'];
  owner: SlaClockRecord['owner'];
  targetMinutes: number;
  calendar: SlaClockRecord['calendar'];
  cycle: number;
  startedAt: string;
  /** Null while the clock is paused short of its due instant: it is not known until it runs again. */
  dueAt: string | null;
  elapsedBusinessMinutes: number;
  remainingBusinessMinutes: number;
  paused: boolean;
  pausedFor: PauseReason | null;
  completedAt: string | null;
  met: boolean | null;
  warned: number[];
  breached: boolean;
}

const MINUTE = 60_000;
const round1 = (n: number) => Math.round(n * 10) / 10;

/** The pauses as the calendar takes them; an open pause ends at `until` (for elapsed-time maths). */
export function calendarPauses(pauses: readonly ClockPause[], until: Date): Pause[] {
  return pauses.map((p) => {
    const start = new Date(p.start);
    const end = p.end ? new Date(p.end) : until;
    return { start, end: end > start ? end : start };
  });
}

/** Business minutes a clock has run from its start until `at` (or its completion, if earlier). */
export function elapsedBusinessMinutes(
  clock: Pick<SlaClockRecord, 'startedAt' | 'pauses' | 'completedAt'>,
  cal: Calendar,
  at: Date,
): number {
  const start = new Date(clock.startedAt);
  const end = clock.completedAt && new Date(clock.completedAt) < at ? new Date(clock.completedAt) : at;
  if (end <= start) return 0;
  return businessTimeBetween(cal, start, end, { pauses: calendarPauses(clock.pauses, end) }) / MINUTE;
}

/** What the API shows of a clock at `now`: business time elapsed and remaining on its calendar. */
export function viewSlaClock(clock: SlaClockRecord, cal: Calendar, now: Date): SlaClockView {
  const elapsed = elapsedBusinessMinutes(clock, cal, now);
  const paused = clock.pausedFor !== null && !clock.completedAt;
  return {
    clock: clock.clockId,
    target: clock.target,
    owner: clock.owner,
    targetMinutes: clock.targetMinutes,
    calendar: clock.calendar,
    cycle: clock.cycle,
    startedAt: clock.startedAt,
    dueAt: clock.dueAt,
    elapsedBusinessMinutes: round1(elapsed),
    remainingBusinessMinutes: round1(Math.max(0, clock.targetMinutes - elapsed)),
    paused,
    pausedFor: paused ? clock.pausedFor : null,
    completedAt: clock.completedAt,
    met: clock.met,
    warned: clock.warned,
    breached: clock.breached,
  };
}

/** Due instant of `minutes` of business time from `start` on `cal`, the pauses not counting. */
export function dueAfter(cal: Calendar, start: Date, minutes: number, pauses: Pause[] = []): Date {
  return addBusinessTime(cal, start, minutes * MINUTE, { pauses });
}

/**
 * When this clock next needs the sweep: its earliest unsent warning or its breach (not before
 * `deferredUntil`). Null when nothing is ahead: completed, breached and warned, or paused short of
 * every threshold (a paused clock gets new instants when it resumes, which is a ticket event).
 */
export function nextFireAt(clock: SlaClockRecord): Date | null {
  if (clock.completedAt || clock.pausedFor === 'withdrawn') return null;
  const pending = Object.entries(clock.warnAt)
    .filter(([fraction]) => !clock.warned.includes(Number(fraction)))
    .map(([, at]) => at);
  if (!clock.breached && clock.dueAt) pending.push(clock.dueAt);
  // ISO-8601 UTC instants sort as strings.
  const earliest = pending.sort()[0];
  if (!earliest) return null;
  return clock.deferredUntil && clock.deferredUntil > earliest
    ? new Date(clock.deferredUntil)
    : new Date(earliest);
}
