/**
 * The one business calendar for SLA deadline maths.
 *
 * Model
 * - `hours` gives, per weekday, wall-clock ranges in `timeZone`. A range whose end is not after its start
 *   (e.g. ['22:00', '06:00']) runs into the next day; '24:00' is the end of the day.
 * - Wall-clock boundaries are turned into instants with the zone's rules: a local time that does not exist
 *   (spring forward) is read with the offset in force before the change, i.e. it moves later by the gap
 *   (02:30 becomes 03:30); a local time that occurs twice (fall back) is its first occurrence. A range that
 *   collapses this way (e.g. 02:30-03:15 on a spring-forward night) is empty.
 * - Business time is counted in real elapsed milliseconds between instants (a shift that spans a DST change
 *   is an hour shorter or longer than its wall-clock length).
 * - A holiday (specific date, recurring MM-DD, or a public holiday from date-holidays) closes that whole local
 *   calendar date in `timeZone`, including the after-midnight part of an overnight shift that started the day
 *   before. Partial-day public holidays (e.g. Christmas Eve from 14:00) close the whole date.
 * - All intervals are half-open [start, end): the closing instant itself is not business time.
 *
 * Performance: each calendar is compiled once (cached in a WeakMap, and by content for equal calendars built
 * anew) into per-local-day lists of UTC intervals that are computed lazily and memoised, so the maths walks
 * business intervals day by day and never minute by minute. Treat a calendar object as immutable once used:
 * build a new object to change it.
 */
import Holidays from 'date-holidays';
import { IANAZone } from 'luxon';
import { z } from 'zod';

const MINUTE = 60_000;
const DAY = 86_400_000;

export const WeekdaySchema = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
export type Weekday = z.infer<typeof WeekdaySchema>;

/** JS `getUTCDay()` order: 0 = Sunday. */
const WEEKDAYS_BY_JS_DAY: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const TIME_RE = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_DAY_RE = /^(\d{2})-(\d{2})$/;

/** True when `name` is a time zone the runtime knows (IANA names, plus 'UTC'). */
export function isValidTimeZone(name: string): boolean {
  return typeof name === 'string' && name.length > 0 && IANAZone.isValidZone(name);
}

/** Seconds since local midnight for 'HH:MM' or 'HH:MM:SS'; '24:00' is 86400. Undefined when malformed. */
function parseTimeOfDay(value: string): number | undefined {
  const m = TIME_RE.exec(value);
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  const s = m[3] === undefined ? 0 : Number(m[3]);
  if (min > 59 || s > 59) return undefined;
  if (h === 24 && min === 0 && s === 0) return 86_400;
  if (h > 23) return undefined;
  return h * 3600 + min * 60 + s;
}

function parseDateDay(value: string): number | undefined {
  const m = DATE_RE.exec(value);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d)
    return undefined;
  return ms / DAY;
}

function parseMonthDay(value: string): number | undefined {
  const m = MONTH_DAY_RE.exec(value);
  if (!m) return undefined;
  const mo = Number(m[1]);
  const d = Number(m[2]);
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  return mo * 100 + d;
}

const TimeZoneSchema = z.string().superRefine((value, ctx) => {
  if (!isValidTimeZone(value)) {
    ctx.addIssue({
      code: 'custom',
      message: `Unknown time zone "${value}": use an IANA zone name such as "Europe/Berlin", "America/New_York" or "UTC"`,
    });
  }
});

const TimeOfDaySchema = z.string().superRefine((value, ctx) => {
  if (parseTimeOfDay(value) === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `Invalid wall-clock time "${value}": expected "HH:MM" (00:00-24:00)`,
    });
  }
});

const RangeSchema = z.tuple([TimeOfDaySchema, TimeOfDaySchema]).superRefine(([start], ctx) => {
  if (parseTimeOfDay(start) === 86_400) {
    ctx.addIssue({ code: 'custom', message: '"24:00" can only end a range, not start one' });
  }
});

const DateStringSchema = z.string().superRefine((value, ctx) => {
  if (parseDateDay(value) === undefined) {
    ctx.addIssue({ code: 'custom', message: `Invalid holiday date "${value}": expected "YYYY-MM-DD"` });
  }
});

const MonthDaySchema = z.string().superRefine((value, ctx) => {
  if (parseMonthDay(value) === undefined) {
    ctx.addIssue({ code: 'custom', message: `Invalid recurring holiday "${value}": expected "MM-DD"` });
  }
});

let holidayCatalogue: Holidays | undefined;
function catalogue(): Holidays {
  holidayCatalogue ??= new Holidays();
  return holidayCatalogue;
}

function hasKey(record: Record<string, string> | undefined, key: string): boolean {
  if (!record) return false;
  const wanted = key.toUpperCase();
  return Object.keys(record).some((k) => k.toUpperCase() === wanted);
}

/** Checks a date-holidays country/state/region triple; returns an error message or undefined. */
function publicHolidayProblem(country: string, state?: string, region?: string): string | undefined {
  const cat = catalogue();
  if (!hasKey(cat.getCountries(), country)) return `Unknown public-holiday country "${country}"`;
  if (state !== undefined && !hasKey(cat.getStates(country), state)) {
    return `Unknown public-holiday state "${state}" for country "${country}"`;
  }
  if (region !== undefined) {
    if (state === undefined) return 'A public-holiday region needs a state';
    if (!hasKey(cat.getRegions(country, state), region)) {
      return `Unknown public-holiday region "${region}" for "${country}-${state}"`;
    }
  }
  return undefined;
}

const PublicHolidaysSchema = z
  .object({
    country: z.string(),
    state: z.string().optional(),
    region: z.string().optional(),
    types: z.array(z.string()).default(['public']),
  })
  .superRefine((value, ctx) => {
    const problem = publicHolidayProblem(value.country, value.state, value.region);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const CalendarSchema = z.object({
  /** IANA zone the wall-clock hours and holiday dates are in. */
  timeZone: TimeZoneSchema,
  /** 'HH:MM' wall-clock ranges per weekday; '24:00' = end of day; an end not after the start runs into the next day. */
  hours: z.partialRecord(WeekdaySchema, z.array(RangeSchema)),
  /** Whole local dates without business time ('YYYY-MM-DD'). */
  holidays: z.array(DateStringSchema).default([]),
  /** Dates closed every year ('MM-DD'). */
  recurringHolidays: z.array(MonthDaySchema).default([]),
  /** Public holidays from date-holidays, e.g. { country: 'US' } for US federal holidays. */
  publicHolidays: PublicHolidaysSchema.optional(),
});

export type Calendar = z.infer<typeof CalendarSchema>;
export type CalendarInput = z.input<typeof CalendarSchema>;

const ALL_DAY: [string, string][] = [['00:00', '24:00']];

/** Open 24 hours a day, 7 days a week, 365 days a year, in UTC. */
export const ALWAYS_OPEN: Calendar = Object.freeze({
  timeZone: 'UTC',
  hours: { mon: ALL_DAY, tue: ALL_DAY, wed: ALL_DAY, thu: ALL_DAY, fri: ALL_DAY, sat: ALL_DAY, sun: ALL_DAY },
  holidays: [],
  recurringHolidays: [],
}) as Calendar;

/** An interval (UTC) during which the SLA clock does not run. */
export interface Pause {
  start: Date;
  end: Date;
}

export interface BusinessTimeOptions {
  pauses?: Pause[];
}

// ---------------------------------------------------------------------------------------------------------
// Compilation

interface PublicHolidaySource {
  holidays: Holidays;
  types: Set<string>;
  byYear: Map<number, Set<number>>;
}

interface Compiled {
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

function compile(cal: Calendar | CalendarInput): Compiled {
  const cached = compiledByObject.get(cal);
  if (cached) return cached;
  const key = JSON.stringify([
    cal.timeZone,
    cal.hours,
    cal.holidays ?? [],
    cal.recurringHolidays ?? [],
    cal.publicHolidays ?? null,
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
  let publicHolidays: PublicHolidaySource | undefined;
  if (cal.publicHolidays) {
    const { country, state, region } = cal.publicHolidays;
    const problem = publicHolidayProblem(country, state, region);
    if (problem) throw new RangeError(problem);
    const holidays =
      state === undefined
        ? new Holidays(country)
        : region === undefined
          ? new Holidays(country, state)
          : new Holidays(country, state, region);
    publicHolidays = {
      holidays,
      types: new Set(cal.publicHolidays.types ?? ['public']),
      byYear: new Map(),
    };
  }
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

function offsetAt(c: Compiled, utc: number): number {
  return c.zone.offset(utc) * MINUTE;
}

/**
 * Instant of a wall-clock reading. Non-existent readings (in a gap) use the offset before the gap, so they
 * land later by the gap's length; readings that occur twice resolve to the first (earlier) instant.
 */
function localToUtc(c: Compiled, local: number): number {
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
function dayOf(c: Compiled, t: number): number {
  let day = Math.floor((t + c.guessOffset) / DAY);
  while (dayStart(c, day) > t) day--;
  while (dayStart(c, day + 1) <= t) day++;
  return day;
}

function jsWeekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

function publicHolidayDays(source: PublicHolidaySource, year: number): Set<number> {
  let set = source.byYear.get(year);
  if (!set) {
    set = new Set<number>();
    for (const h of source.holidays.getHolidays(year)) {
      if (!source.types.has(h.type)) continue;
      const day = parseDateDay(h.date.slice(0, 10));
      if (day !== undefined) set.add(day);
    }
    source.byYear.set(year, set);
  }
  return set;
}

function isHolidayDay(c: Compiled, day: number): boolean {
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

function isBusinessDayIndex(c: Compiled, day: number): boolean {
  return c.weekly[jsWeekday(day)]!.length > 0 && !isHolidayDay(c, day);
}

/**
 * Business intervals of one local day: flat, sorted, disjoint [start, end, ...] UTC ms, all inside
 * [dayStart(day), dayStart(day + 1)). Includes the after-midnight part of the previous day's overnight shifts.
 */
function dayIntervals(c: Compiled, day: number): number[] {
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
function normalise(flat: number[]): number[] {
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
