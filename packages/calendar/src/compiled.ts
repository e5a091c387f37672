/**
 * A calendar compiled for the maths (internal to @psa/calendar): its local days as UTC intervals.
 *
 * Performance: each calendar is compiled once (cached in a WeakMap, and by content for equal calendars built
 * anew) into per-local-day lists of UTC intervals that are computed lazily and memoised, so the maths walks
 * business intervals day by day and never minute by minute. Treat a calendar object as immutable once used:
 * build a new object to change it.
 */
import { IANAZone } from 'luxon';
import { holidayLookup, installedHolidayLibrary } from './holiday-lookup.ts';
import {
  type Calendar,
  type CalendarInput,
  isValidTimeZone,
  type PublicHolidayChoice,
  type PublicHolidayDates,
  type PublicHolidayLookup,
} from './resolved.ts';
import {
  DAY,
  MINUTE,
  parseDateDay,
  parseMonthDay,
  parseTimeOfDay,
  WEEKDAYS_BY_JS_DAY,
} from './wall-clock.ts';

/**
 * A calendar's public holidays: the dates resolved when it was saved and, for other years or a
 * calendar without them, the library where it is installed; closed local day numbers memoised
 * per year.
 */
interface PublicHolidaySource {
  choice: PublicHolidayChoice;
  stored: PublicHolidayDates | undefined;
  lookup: PublicHolidayLookup | undefined;
  byYear: Map<number, Set<number>>;
}

function publicHolidayDays(source: PublicHolidaySource, year: number): Set<number> {
  let days = source.byYear.get(year);
  if (days) return days;
  const { stored, lookup } = source;
  let dates: string[];
  if (stored && year >= stored.from && year <= stored.to) {
    const prefix = `${year}-`;
    dates = stored.dates.filter((d) => d.startsWith(prefix));
  } else if (lookup) {
    dates = lookup(year);
  } else if (installedHolidayLibrary()) {
    source.lookup = holidayLookup(installedHolidayLibrary()!, source.choice);
    dates = source.lookup(year);
  } else {
    throw new RangeError(
      stored
        ? `The calendar's public holidays are resolved for ${stored.from}-${stored.to}, not ${year}: publish a new version of the division of work to resolve them`
        : 'The calendar names public holidays but carries no resolved dates: publish a new version of the division of work to resolve them',
    );
  }
  days = new Set<number>();
  for (const d of dates) {
    const day = parseDateDay(d);
    if (day !== undefined) days.add(day);
  }
  source.byYear.set(year, days);
  return days;
}

export interface Compiled {
  zone: IANAZone;
  /** Per JS weekday (0 = Sunday): flat [startSec, endSec, ...] local seconds from midnight; end may pass 86400. */
  weekly: number[][];
  /** Per JS weekday: only the ranges that run past midnight (they spill into the next day). */
  spill: number[][];
  /** Whether any weekday has a range at all. */
  hasHours: boolean;
  dates: Set<number>;
  recurring: Set<number>;
  publicHolidays: PublicHolidaySource | undefined;
  guessOffset: number;
  dayStarts: Map<number, number>;
  days: Map<number, number[]>;
}

const DAY_CACHE_LIMIT = 50_000;
const EMPTY: number[] = [];
const compiledByObject = new WeakMap<object, Compiled>();
const compiledByContent = new Map<string, Compiled>();
const CONTENT_CACHE_LIMIT = 500;

export function compile(cal: Calendar | CalendarInput): Compiled {
  const cached = compiledByObject.get(cal);
  if (cached) return cached;
  const key = JSON.stringify([
    cal.timeZone,
    cal.hours,
    cal.holidays ?? [],
    cal.recurringHolidays ?? [],
    cal.publicHolidays ?? null,
    cal.publicHolidayDates ?? null,
  ]);
  let compiled = compiledByContent.get(key);
  if (!compiled) {
    compiled = build(cal);
    if (compiledByContent.size >= CONTENT_CACHE_LIMIT) compiledByContent.clear();
    compiledByContent.set(key, compiled);
  }
  compiledByObject.set(cal, compiled);
  return compiled;
}

function build(cal: Calendar | CalendarInput): Compiled {
  if (!isValidTimeZone(cal.timeZone)) {
    throw new RangeError(
      `Unknown time zone "${cal.timeZone}": use an IANA zone name such as "Europe/Berlin" or "UTC"`,
    );
  }
  const zone = IANAZone.create(cal.timeZone);
  const weekly: number[][] = [];
  const spill: number[][] = [];
  let hasHours = false;
  for (let jsDay = 0; jsDay < 7; jsDay++) {
    const name = WEEKDAYS_BY_JS_DAY[jsDay]!;
    const ranges = cal.hours?.[name] ?? [];
    const flat: number[] = [];
    const over: number[] = [];
    for (const range of ranges) {
      const [startText, endText] = range;
      const start = parseTimeOfDay(startText);
      let end = parseTimeOfDay(endText);
      if (start === undefined || end === undefined || start === 86_400) {
        throw new RangeError(`Invalid business-hours range [${startText}, ${endText}] on ${name}`);
      }
      if (end <= start) end += 86_400; // overnight: runs into the next day
      flat.push(start, end);
      if (end > 86_400) over.push(start, end);
    }
    if (flat.length > 0) hasHours = true;
    weekly.push(flat);
    spill.push(over);
  }
  const dates = new Set<number>();
  for (const d of cal.holidays ?? []) {
    const day = parseDateDay(d);
    if (day === undefined) throw new RangeError(`Invalid holiday date "${d}": expected "YYYY-MM-DD"`);
    dates.add(day);
  }
  const recurring = new Set<number>();
  for (const d of cal.recurringHolidays ?? []) {
    const md = parseMonthDay(d);
    if (md === undefined) throw new RangeError(`Invalid recurring holiday "${d}": expected "MM-DD"`);
    recurring.add(md);
  }
  const publicHolidays: PublicHolidaySource | undefined = cal.publicHolidays
    ? { choice: cal.publicHolidays, stored: cal.publicHolidayDates, lookup: undefined, byYear: new Map() }
    : undefined;
  return {
    zone,
    weekly,
    spill,
    hasHours,
    dates,
    recurring,
    publicHolidays,
    guessOffset: zone.offset(Date.now()) * MINUTE,
    dayStarts: new Map(),
    days: new Map(),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Zone arithmetic (local "wall" milliseconds = UTC-style epoch ms of the wall-clock reading)

export function offsetAt(c: Compiled, utc: number): number {
  return c.zone.offset(utc) * MINUTE;
}

/**
 * Instant of a wall-clock reading. Non-existent readings (in a gap) use the offset before the gap, so they
 * land later by the gap's length; readings that occur twice resolve to the first (earlier) instant.
 */
export function localToUtc(c: Compiled, local: number): number {
  const before = offsetAt(c, local - DAY);
  const after = offsetAt(c, local + DAY);
  const first = local - before;
  const firstOk = offsetAt(c, first) === before;
  if (before === after) {
    if (firstOk) return first;
  }
  const second = local - after;
  const secondOk = before !== after && offsetAt(c, second) === after;
  if (firstOk && secondOk) return Math.min(first, second);
  if (firstOk) return first;
  if (secondOk) return second;
  return first; // in a gap: shift forward by the gap
}

function dayStart(c: Compiled, day: number): number {
  let start = c.dayStarts.get(day);
  if (start === undefined) {
    start = localToUtc(c, day * DAY);
    if (c.dayStarts.size >= DAY_CACHE_LIMIT) c.dayStarts.clear();
    c.dayStarts.set(day, start);
  }
  return start;
}

/** Local day number (days since 1970-01-01 in the zone) of an instant. */
export function dayOf(c: Compiled, t: number): number {
  let day = Math.floor((t + c.guessOffset) / DAY);
  while (dayStart(c, day) > t) day--;
  while (dayStart(c, day + 1) <= t) day++;
  return day;
}

function jsWeekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

export function isHolidayDay(c: Compiled, day: number): boolean {
  if (c.dates.has(day)) return true;
  if (c.recurring.size === 0 && !c.publicHolidays) return false;
  const date = new Date(day * DAY);
  if (c.recurring.has((date.getUTCMonth() + 1) * 100 + date.getUTCDate())) return true;
  if (c.publicHolidays) {
    const year = date.getUTCFullYear();
    if (publicHolidayDays(c.publicHolidays, year).has(day)) return true;
  }
  return false;
}

export function isBusinessDayIndex(c: Compiled, day: number): boolean {
  return c.weekly[jsWeekday(day)]!.length > 0 && !isHolidayDay(c, day);
}

/**
 * Business intervals of one local day: flat, sorted, disjoint [start, end, ...] UTC ms, all inside
 * [dayStart(day), dayStart(day + 1)). Includes the after-midnight part of the previous day's overnight shifts.
 */
export function dayIntervals(c: Compiled, day: number): number[] {
  const cached = c.days.get(day);
  if (cached) return cached;
  let result = EMPTY;
  if (!isHolidayDay(c, day)) {
    const lo = dayStart(c, day);
    const hi = dayStart(c, day + 1);
    const raw: number[] = [];
    const add = (ownerDay: number, ranges: number[]) => {
      const base = ownerDay * DAY;
      for (let i = 0; i < ranges.length; i += 2) {
        let a = localToUtc(c, base + ranges[i]! * 1000);
        let b = localToUtc(c, base + ranges[i + 1]! * 1000);
        if (a < lo) a = lo;
        if (b > hi) b = hi;
        if (b > a) raw.push(a, b);
      }
    };
    add(day - 1, c.spill[jsWeekday(day - 1)]!);
    add(day, c.weekly[jsWeekday(day)]!);
    if (raw.length > 0) result = normalise(raw);
  }
  if (c.days.size >= DAY_CACHE_LIMIT) c.days.clear();
  c.days.set(day, result);
  return result;
}

/** Sorts and merges flat [start, end, ...] pairs. */
export function normalise(flat: number[]): number[] {
  if (flat.length === 2) return flat;
  const pairs: [number, number][] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
  pairs.sort((x, y) => x[0] - y[0]);
  const out: number[] = [];
  for (const [a, b] of pairs) {
    const n = out.length;
    if (n > 0 && a <= out[n - 1]!) {
      if (b > out[n - 1]!) out[n - 1] = b;
    } else {
      out.push(a, b);
    }
  }
  return out;
}
