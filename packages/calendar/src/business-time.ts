/**
 * Business-time maths on a calendar (./schema.ts, ./resolved.ts): is an instant in business hours, what instant
 * lies so much business time later, how much business time lies between two instants. The
 * calendar is compiled once (./compiled.ts), so the walks go interval by interval, never minute
 * by minute.
 */
import { IANAZone } from 'luxon';
import {
  type Compiled,
  compile,
  dayIntervals,
  dayOf,
  isBusinessDayIndex,
  isHolidayDay,
  localToUtc,
  normalise,
  offsetAt,
} from './compiled.ts';
import { type Calendar, type CalendarInput, isValidTimeZone } from './resolved.ts';
import { DAY, MINUTE, parseDateDay } from './wall-clock.ts';

/** An interval (UTC) during which the SLA clock does not run. */
export interface Pause {
  start: Date;
  end: Date;
}

export interface BusinessTimeOptions {
  pauses?: Pause[];
}

function normalisePauses(pauses: Pause[] | undefined): number[] | undefined {
  if (!pauses || pauses.length === 0) return undefined;
  const flat: number[] = [];
  for (const p of pauses) {
    const a = p.start.getTime();
    const b = p.end.getTime();
    if (Number.isNaN(a) || Number.isNaN(b))
      throw new RangeError('Invalid pause: start and end must be valid dates');
    if (b > a) flat.push(a, b);
  }
  return flat.length === 0 ? undefined : normalise(flat);
}

function time(d: Date, what: string): number {
  const t = d instanceof Date ? d.getTime() : Number.NaN;
  if (Number.isNaN(t)) throw new RangeError(`Invalid ${what}: expected a valid Date`);
  return t;
}

function requireHours(c: Compiled): void {
  if (!c.hasHours) throw new RangeError('The calendar has no business hours');
}

/** Days without any business interval after which a search gives up (a calendar closed for ten years). */
const MAX_EMPTY_DAYS = 3660;

function tooFar(): never {
  throw new RangeError('No business time within ten years: check the calendar hours and holidays');
}

// ---------------------------------------------------------------------------------------------------------
// Walking the timeline

/**
 * Walks business time forward from `from`, minus pauses, until `budget` ms are consumed or `limit` is reached.
 * Returns the instant where the budget ran out (landing on a closing instant returns that closing instant;
 * a zero budget returns the first running moment), or, when `limit` is given and reached first, the business
 * time consumed up to it as `{ consumed }`.
 */
function walkForward(
  c: Compiled,
  from: number,
  budget: number,
  pauses: number[] | undefined,
  limit = Number.POSITIVE_INFINITY,
): { at: number; consumed: number } {
  let remaining = budget;
  let consumed = 0;
  let day = dayOf(c, from);
  let pi = 0;
  let empty = 0;
  for (;;) {
    const iv = dayIntervals(c, day);
    if (iv.length === 0) {
      if (++empty > MAX_EMPTY_DAYS) tooFar();
    } else {
      empty = 0;
    }
    for (let i = 0; i < iv.length; i += 2) {
      let a = iv[i]!;
      let b = iv[i + 1]!;
      if (b <= from) continue;
      if (a < from) a = from;
      if (a >= limit) return { at: limit, consumed };
      if (b > limit) b = limit;
      // Cut the pauses out of [a, b).
      let cursor = a;
      while (cursor < b) {
        if (pauses) {
          while (pi < pauses.length && pauses[pi + 1]! <= cursor) pi += 2;
        }
        let segEnd = b;
        let nextCursor = b;
        if (pauses && pi < pauses.length && pauses[pi]! < b) {
          const ps = pauses[pi]!;
          const pe = pauses[pi + 1]!;
          if (ps <= cursor) {
            cursor = pe; // inside a pause: skip it
            continue;
          }
          segEnd = ps;
          nextCursor = pe;
        }
        const len = segEnd - cursor;
        if (remaining <= len) return { at: cursor + remaining, consumed: consumed + remaining };
        remaining -= len;
        consumed += len;
        cursor = nextCursor;
      }
      if (b === limit) return { at: limit, consumed };
    }
    day++;
  }
}

/** Mirror of walkForward: walks business time backward from `from`. */
function walkBackward(c: Compiled, from: number, budget: number, pauses: number[] | undefined): number {
  let remaining = budget;
  let day = dayOf(c, from);
  let pi = pauses ? pauses.length - 2 : -2;
  let empty = 0;
  for (;;) {
    const iv = dayIntervals(c, day);
    if (iv.length === 0) {
      if (++empty > MAX_EMPTY_DAYS) tooFar();
    } else {
      empty = 0;
    }
    for (let i = iv.length - 2; i >= 0; i -= 2) {
      const a = iv[i]!;
      let b = iv[i + 1]!;
      if (a >= from) continue;
      if (b > from) b = from;
      let cursor = b;
      while (cursor > a) {
        if (pauses) {
          while (pi >= 0 && pauses[pi]! >= cursor) pi -= 2;
        }
        let segStart = a;
        let nextCursor = a;
        if (pauses && pi >= 0 && pauses[pi + 1]! > a) {
          const ps = pauses[pi]!;
          const pe = pauses[pi + 1]!;
          if (pe >= cursor) {
            cursor = ps;
            continue;
          }
          segStart = pe;
          nextCursor = ps;
        }
        const len = cursor - segStart;
        if (remaining <= len) return cursor - remaining;
        remaining -= len;
        cursor = nextCursor;
      }
    }
    day--;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Public API

/** True when `at` is inside business hours (opening instant included, closing instant excluded). */
export function isBusinessTime(cal: Calendar, at: Date): boolean {
  const c = compile(cal);
  const t = time(at, 'instant');
  const iv = dayIntervals(c, dayOf(c, t));
  for (let i = 0; i < iv.length; i += 2) {
    if (t < iv[i]!) return false;
    if (t < iv[i + 1]!) return true;
  }
  return false;
}

/** True when the local date of `at` (in the calendar's zone) is a holiday. */
export function isHoliday(cal: Calendar, at: Date): boolean {
  const c = compile(cal);
  return isHolidayDay(c, dayOf(c, time(at, 'instant')));
}

/** True when the local date of `at` has business hours and is not a holiday. */
export function isBusinessDay(cal: Calendar, at: Date): boolean {
  const c = compile(cal);
  return isBusinessDayIndex(c, dayOf(c, time(at, 'instant')));
}

/**
 * The instant `ms` of business time after `start` (before it for negative `ms`). A start outside business
 * hours counts from the next opening (previous closing when subtracting); a result that lands exactly on a
 * closing (opening) instant is that instant. `ms = 0` gives the next business moment. Pauses (UTC) stop the
 * clock: the business time they overlap after `start` (before it when subtracting) moves the result.
 */
export function addBusinessTime(cal: Calendar, start: Date, ms: number, opts?: BusinessTimeOptions): Date {
  const c = compile(cal);
  requireHours(c);
  const t = time(start, 'start');
  if (!Number.isFinite(ms))
    throw new RangeError('Invalid duration: expected a finite number of milliseconds');
  const pauses = normalisePauses(opts?.pauses);
  if (ms >= 0) return new Date(walkForward(c, t, ms, pauses).at);
  return new Date(walkBackward(c, t, -ms, pauses));
}

/**
 * Business milliseconds in [start, end), less the paused business time. Negative when `end` is before
 * `start` (the time from `end` to `start`, negated).
 */
export function businessTimeBetween(
  cal: Calendar,
  start: Date,
  end: Date,
  opts?: BusinessTimeOptions,
): number {
  const c = compile(cal);
  const a = time(start, 'start');
  const b = time(end, 'end');
  if (b === a) return 0;
  if (b < a) return -businessTimeBetween(cal, end, start, opts);
  requireHours(c);
  return walkForward(c, a, Number.POSITIVE_INFINITY, normalisePauses(opts?.pauses), b).consumed;
}

/** `at` itself when inside business time, otherwise the next opening instant. */
export function nextBusinessMoment(cal: Calendar, at: Date): Date {
  const c = compile(cal);
  requireHours(c);
  return new Date(walkForward(c, time(at, 'instant'), 0, undefined).at);
}

/**
 * `at` itself when inside business time or exactly at a closing instant, otherwise the previous closing
 * instant (the last moment business time ran up to, looking backward).
 */
export function previousBusinessMoment(cal: Calendar, at: Date): Date {
  const c = compile(cal);
  requireHours(c);
  return new Date(walkBackward(c, time(at, 'instant'), 0, undefined));
}

/**
 * The same wall-clock time `days` business days later (earlier when negative), where a business day is a
 * local date with business hours that is not a holiday, counted from the day after (before) `start`'s date.
 * If that time is outside business hours the result moves to the next business moment (previous one when
 * going back). `days = 0` gives the next business moment.
 */
export function addBusinessDays(cal: Calendar, start: Date, days: number): Date {
  const c = compile(cal);
  requireHours(c);
  const t = time(start, 'start');
  if (!Number.isInteger(days)) throw new RangeError('Invalid number of business days: expected an integer');
  if (days === 0) return new Date(walkForward(c, t, 0, undefined).at);
  const day = dayOf(c, t);
  const timeOfDay = t + offsetAt(c, t) - day * DAY;
  const step = days > 0 ? 1 : -1;
  let left = Math.abs(days);
  let target = day;
  let scanned = 0;
  while (left > 0) {
    target += step;
    if (isBusinessDayIndex(c, target)) {
      left--;
      scanned = 0;
    } else if (++scanned > MAX_EMPTY_DAYS) {
      tooFar();
    }
  }
  const moved = localToUtc(c, target * DAY + timeOfDay);
  return days > 0
    ? new Date(walkForward(c, moved, 0, undefined).at)
    : new Date(walkBackward(c, moved, 0, undefined));
}

/**
 * The instant of a wall-clock reading in `timeZone` ('YYYY-MM-DD', 'HH:MM[:SS[.sss]]'), resolved like the
 * calendar's hours: a reading in a DST gap moves later by the gap, a repeated reading is its first occurrence.
 */
export function wallClockToInstant(timeZone: string, date: string, timeOfDay: string): Date {
  if (!isValidTimeZone(timeZone)) throw new RangeError(`Unknown time zone "${timeZone}"`);
  const day = parseDateDay(date);
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(timeOfDay);
  if (day === undefined || !m) throw new RangeError(`Invalid wall-clock reading "${date} ${timeOfDay}"`);
  const ms =
    Number(m[1]) * 3_600_000 +
    Number(m[2]) * MINUTE +
    Number(m[3] ?? 0) * 1000 +
    Number((m[4] ?? '0').padEnd(3, '0'));
  const c = compile({ timeZone, hours: {} } as CalendarInput);
  return new Date(localToUtc(c, day * DAY + ms));
}

/** The wall-clock reading of `at` in `timeZone`: date 'YYYY-MM-DD', time 'HH:MM:SS', offset in minutes. */
export function instantToWallClock(
  timeZone: string,
  at: Date,
): { date: string; time: string; millisecond: number; offsetMinutes: number } {
  if (!isValidTimeZone(timeZone)) throw new RangeError(`Unknown time zone "${timeZone}"`);
  const t = time(at, 'instant');
  const offsetMinutes = IANAZone.create(timeZone).offset(t);
  const iso = new Date(t + offsetMinutes * MINUTE).toISOString();
  return {
    date: iso.slice(0, 10),
    time: iso.slice(11, 19),
    millisecond: t - Math.floor(t / 1000) * 1000,
    offsetMinutes,
  };
}
