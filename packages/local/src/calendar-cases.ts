/**
 * Maps the business-hours test vectors of the test corpus (`test/corpus/sla/cases.json`, transcribed from
 * Zammad, Znuny, business_time, biz and date-fns tests) onto the calendar API, and renders the result in the
 * form of the case's expected value. Used by the corpus test and by `packages/local/src/cli/calendar-check.ts`.
 *
 * The calendar API has one set of semantics (biz's, which Zammad uses). Where a source library documents a
 * different convention, the case is adapted here, keyed by the case's `source.repo`:
 * - date-fns: wall-clock arithmetic in the runner's local zone (`timezone: "local"`, read here as UTC wall
 *   time); adding 0 returns the start unchanged; a sum that lands exactly on a closing time rolls over to the
 *   next opening (its test "Tuesday 3 PM + 10 hours = Thursday 9 AM").
 * - Znuny: DeltaWorkingTime of a swapped start/end is 0 (not negative).
 * - business_time: `n.business_days.after/before` counts from the start of the workday when starting on a day
 *   off, and going back to a time outside business hours lands at the start of the previous business day.
 * biz calendars may carry date-specific `breaks`; they are applied as pauses. Date-specific `shifts` (hours
 * that replace a date's weekly hours) have no counterpart in the calendar API and are ignored.
 */
import {
  addBusinessDays,
  addBusinessTime,
  businessTimeBetween,
  instantToWallClock,
  isBusinessDay,
  isBusinessTime,
  nextBusinessMoment,
  type Pause,
  previousBusinessMoment,
  wallClockToInstant,
} from '@psa/calendar/business-time';
import { type Calendar, CalendarSchema } from '@psa/calendar/schema';

/** One corpus case: the fields vary by kind and source (see the corpus file's `fields`). */
export interface CalendarCase {
  id: string;
  kind: string;
  calendar?: Record<string, unknown>;
  source?: { repo?: string } & Record<string, unknown>;
  [field: string]: unknown;
}

export interface CalendarCaseFile {
  cases: CalendarCase[];
  [field: string]: unknown;
}

export type CaseValue = string | number;

interface Conventions {
  /** Wall-clock zone for cases whose calendar says 'local'. */
  localZone: string;
  /** A positive sum that lands exactly on a closing instant moves to the next opening. */
  rollAtClose: boolean;
  /** Adding or subtracting zero returns the start unchanged. */
  zeroIsIdentity: boolean;
  /** Elapsed time of a reversed interval is 0 rather than negative. */
  clampElapsed: boolean;
  /** Business-day arithmetic style. */
  businessDays: 'calendar' | 'business_time';
}

const DEFAULT_CONVENTIONS: Conventions = {
  localZone: 'UTC',
  rollAtClose: false,
  zeroIsIdentity: false,
  clampElapsed: false,
  businessDays: 'calendar',
};

const SOURCE_CONVENTIONS: Record<string, Partial<Conventions>> = {
  'date-fns/date-fns': { rollAtClose: true, zeroIsIdentity: true },
  'znuny/Znuny': { clampElapsed: true },
  'bokmann/business_time': { businessDays: 'business_time' },
};

function conventionsFor(c: CalendarCase): Conventions {
  const repo = typeof c.source?.repo === 'string' ? c.source.repo : '';
  return { ...DEFAULT_CONVENTIONS, ...(SOURCE_CONVENTIONS[repo] ?? {}) };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The zone a case's calendar is in ('local' = wall clock, read as UTC). */
function calendarZone(c: CalendarCase, conv: Conventions): string {
  const tz = str(c.calendar?.timezone) ?? str(c.calendar?.timeZone) ?? 'UTC';
  return tz === 'local' ? conv.localZone : tz;
}

/** The zone of the case's `*_local` wall-clock strings. */
function wallZone(c: CalendarCase, conv: Conventions): string {
  const tz = str(c.wall_time_zone);
  if (tz === undefined || tz === 'local') return tz === 'local' ? conv.localZone : calendarZone(c, conv);
  return tz;
}

/** Builds the API calendar from a case's calendar (snake_case corpus fields). */
export function caseCalendar(c: CalendarCase): Calendar {
  const conv = conventionsFor(c);
  const cal = c.calendar ?? {};
  const input: Record<string, unknown> = {
    timeZone: calendarZone(c, conv),
    hours: cal.hours ?? {},
    holidays: cal.holidays ?? [],
    recurringHolidays: cal.recurring_holidays ?? cal.recurringHolidays ?? [],
  };
  const pub = cal.public_holidays ?? cal.publicHolidays;
  if (pub) input.publicHolidays = pub;
  return CalendarSchema.parse(input);
}

const LOCAL_RE = /^(\d{4}-\d{2}-\d{2})[T ](\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/;

function parseLocal(value: string, zone: string): Date {
  const m = LOCAL_RE.exec(value.trim());
  if (!m) throw new Error(`Unreadable wall-clock time "${value}"`);
  return wallClockToInstant(zone, m[1]!, m[2]!);
}

function parseInstant(value: string): Date {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new Error(`Unreadable instant "${value}"`);
  return d;
}

/** Reads `<name>` (an ISO instant) or `<name>_local` (wall clock in the case's wall zone). */
function caseInstant(c: CalendarCase, name: string, conv: Conventions): Date {
  const iso = str(c[name]);
  if (iso !== undefined) {
    return LOCAL_RE.test(iso) ? parseLocal(iso, wallZone(c, conv)) : parseInstant(iso);
  }
  const local = str(c[`${name}_local`]);
  if (local !== undefined) return parseLocal(local, wallZone(c, conv));
  throw new Error(`Case has no ${name} or ${name}_local`);
}

const DURATION_UNITS: [string, number][] = [
  ['duration_ms', 1],
  ['duration_seconds', 1000],
  ['duration_minutes', 60_000],
  ['duration_hours', 3_600_000],
  ['duration_days', 86_400_000],
];

function caseDurationMs(c: CalendarCase): number {
  let total = 0;
  let found = false;
  for (const [field, factor] of DURATION_UNITS) {
    const v = num(c[field]);
    if (v !== undefined) {
      total += v * factor;
      found = true;
    }
  }
  if (!found) throw new Error('Case has no duration_* field');
  return Math.round(total);
}

function caseDays(c: CalendarCase): number {
  for (const field of ['days', 'business_days', 'duration_days', 'duration_business_days']) {
    const v = num(c[field]);
    if (v !== undefined) return v;
  }
  throw new Error('Case has no days field');
}

/**
 * The case's pauses (UTC), plus biz-style calendar `breaks` ({ 'YYYY-MM-DD': [['HH:MM', 'HH:MM'], ...] } in the
 * calendar zone): a break removes business time exactly like a pause does.
 */
function casePauses(c: CalendarCase, zone: string): Pause[] {
  const pauses: Pause[] = [];
  if (Array.isArray(c.pauses)) {
    for (const p of c.pauses) {
      if (Array.isArray(p))
        pauses.push({ start: parseInstant(String(p[0])), end: parseInstant(String(p[1])) });
      else {
        const o = p as Record<string, unknown>;
        pauses.push({ start: parseInstant(String(o.start)), end: parseInstant(String(o.end)) });
      }
    }
  }
  const breaks = c.calendar?.breaks;
  if (breaks && typeof breaks === 'object' && !Array.isArray(breaks)) {
    for (const [date, ranges] of Object.entries(breaks as Record<string, unknown>)) {
      if (!Array.isArray(ranges)) continue;
      for (const r of ranges) {
        if (!Array.isArray(r)) continue;
        const start = wallClockToInstant(zone, date, String(r[0]));
        let end = wallClockToInstant(zone, date, String(r[1]));
        if (end <= start) end = new Date(end.getTime() + 86_400_000);
        pauses.push({ start, end });
      }
    }
  }
  return pauses;
}

/** business_time's BusinessDays#after / #before (see the module comment). */
function businessTimeDays(cal: Calendar, start: Date, days: number, forward: boolean): Date {
  const zone = cal.timeZone;
  const wall = instantToWallClock(zone, start);
  const dayAt = (date: string, t: string) => wallClockToInstant(zone, date, t);
  const weekdayStart = (date: string): string => {
    const names = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
    const wd = names[new Date(`${date}T00:00:00Z`).getUTCDay()]!;
    const own = cal.hours[wd]?.[0]?.[0];
    if (own) return own;
    const all = Object.values(cal.hours)
      .flatMap((ranges) => ranges ?? [])
      .map((r) => r[0])
      .sort();
    return all[0] ?? '09:00';
  };
  const shiftDate = (date: string, by: number) =>
    new Date(Date.parse(`${date}T00:00:00Z`) + by * 86_400_000).toISOString().slice(0, 10);
  const workday = (date: string) => isBusinessDay(cal, dayAt(date, '12:00'));
  let date = wall.date;
  let clock = wall.time;
  if (!workday(date)) clock = weekdayStart(date);
  const step = forward ? 1 : -1;
  let left = Math.abs(days);
  while (left > 0 || !workday(date)) {
    if (workday(date)) left--;
    date = shiftDate(date, step);
  }
  const t = dayAt(date, clock);
  const during = isBusinessTime(cal, t) || previousBusinessMoment(cal, t).getTime() === t.getTime();
  if (during) return t;
  if (step > 0) return nextBusinessMoment(cal, t);
  const back = instantToWallClock(zone, previousBusinessMoment(cal, t));
  return dayAt(back.date, weekdayStart(back.date));
}

/** Computes a case's result: an instant for instant kinds, business milliseconds for `elapsed`. */
export function evaluateCase(c: CalendarCase): Date | number {
  const conv = conventionsFor(c);
  switch (c.kind) {
    case 'add':
    case 'subtract': {
      const cal = caseCalendar(c);
      const start = caseInstant(c, 'start', conv);
      const ms = caseDurationMs(c);
      const pauses = casePauses(c, cal.timeZone);
      if (ms === 0) {
        if (conv.zeroIsIdentity) return start;
        return c.kind === 'add'
          ? addBusinessTime(cal, start, 0, { pauses })
          : previousBusinessMoment(cal, start);
      }
      const signed = c.kind === 'add' ? ms : -ms;
      const result = addBusinessTime(cal, start, signed, { pauses });
      if (conv.rollAtClose && signed > 0 && !isBusinessTime(cal, result))
        return nextBusinessMoment(cal, result);
      return result;
    }
    case 'elapsed': {
      const cal = caseCalendar(c);
      const ms = businessTimeBetween(cal, caseInstant(c, 'start', conv), caseInstant(c, 'end', conv), {
        pauses: casePauses(c, cal.timeZone),
      });
      return conv.clampElapsed ? Math.max(0, ms) : ms;
    }
    case 'next_business_moment':
      return nextBusinessMoment(caseCalendar(c), caseInstant(c, 'start', conv));
    case 'previous_business_moment':
      return previousBusinessMoment(caseCalendar(c), caseInstant(c, 'start', conv));
    case 'local_to_utc': {
      const date = str(c.local_date);
      const clock = str(c.local_time);
      if (date === undefined || clock === undefined) throw new Error('Case has no local_date/local_time');
      return wallClockToInstant(calendarZone(c, conv), date, clock);
    }
    case 'add_business_days':
    case 'subtract_business_days': {
      const cal = caseCalendar(c);
      const start = caseInstant(c, 'start', conv);
      const forward = (c.kind === 'add_business_days') === caseDays(c) >= 0;
      const days = Math.abs(caseDays(c));
      if (conv.businessDays === 'business_time') return businessTimeDays(cal, start, days, forward);
      if (days === 0) return forward ? nextBusinessMoment(cal, start) : previousBusinessMoment(cal, start);
      return addBusinessDays(cal, start, forward ? days : -days);
    }
    default:
      throw new Error(`Unknown case kind "${c.kind}"`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Rendering a result like the expected value

const ISO_RE = /^(\d{4}-\d{2}-\d{2})([T ])(\d{2}:\d{2})(:\d{2})?(\.\d+)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

function pad(n: number, width = 2): string {
  return String(Math.abs(n)).padStart(width, '0');
}

function parseOffsetMinutes(designator: string): number {
  const sign = designator.startsWith('-') ? -1 : 1;
  const digits = designator.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
}

function formatOffset(minutes: number, like: string): string {
  if (like === 'Z') return 'Z';
  const sign = minutes < 0 ? '-' : '+';
  const h = pad(Math.floor(Math.abs(minutes) / 60));
  const m = pad(Math.abs(minutes) % 60);
  if (like.length === 3) return m === '00' ? `${sign}${h}` : `${sign}${h}:${m}`;
  return like.includes(':') ? `${sign}${h}:${m}` : `${sign}${h}${m}`;
}

/**
 * Renders `at` in the shape of `like` (an expected value): same date/time separator, seconds and fraction
 * when the example has them (or when needed to be exact), and the same kind of zone designator. An offset
 * designator is rendered in `zone` when the example's offset is that zone's, otherwise as the example's
 * fixed offset; no designator means wall-clock time in `zone`.
 */
export function formatLike(at: Date, like: string, zone: string): string {
  const m = ISO_RE.exec(like);
  const t = at.getTime();
  if (!m) return at.toISOString().replace('.000Z', 'Z');
  const [, , sep, , secPart, fracPart, designator] = m;
  let offsetMinutes = 0;
  if (designator === undefined) {
    offsetMinutes = instantToWallClock(zone, at).offsetMinutes;
  } else if (designator !== 'Z') {
    const exampleOffset = parseOffsetMinutes(designator);
    const exampleInstant = new Date(like.replace(' ', 'T'));
    const zoneOffsetThen = Number.isNaN(exampleInstant.getTime())
      ? undefined
      : instantToWallClock(zone, exampleInstant).offsetMinutes;
    offsetMinutes =
      zoneOffsetThen === exampleOffset ? instantToWallClock(zone, at).offsetMinutes : exampleOffset;
  }
  const local = new Date(t + offsetMinutes * 60_000);
  const iso = local.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const ms = local.getUTCMilliseconds();
  const secs = local.getUTCSeconds();
  let out = `${iso.slice(0, 10)}${sep}${iso.slice(11, 16)}`;
  if (secPart !== undefined || secs !== 0 || ms !== 0) out += iso.slice(16, 19);
  if (fracPart !== undefined) {
    const digits = fracPart.length - 1;
    out += `.${pad(ms, 3).slice(0, digits).padEnd(digits, '0')}`;
  } else if (ms !== 0) {
    out += `.${pad(ms, 3)}`;
  }
  if (designator !== undefined) out += formatOffset(offsetMinutes, designator);
  return out;
}

/** The name of the case's expected field and its value. */
export function expectedOf(c: CalendarCase): { field: string; value: CaseValue } | undefined {
  for (const field of [
    'expected',
    'expected_local',
    'expected_seconds',
    'expected_minutes',
    'expected_hours',
  ]) {
    const v = c[field];
    if (typeof v === 'string' || typeof v === 'number') return { field, value: v };
  }
  return undefined;
}

/** Runs a case and renders the result in the form of its expected field. */
export function runCase(c: CalendarCase): CaseValue {
  const result = evaluateCase(c);
  const conv = conventionsFor(c);
  const expected = expectedOf(c);
  if (typeof result === 'number') {
    switch (expected?.field) {
      case 'expected_minutes':
        return result / 60_000;
      case 'expected_hours':
        return result / 3_600_000;
      default:
        return result / 1000;
    }
  }
  if (expected && typeof expected.value === 'string') {
    return formatLike(result, expected.value, wallZone(c, conv));
  }
  return result.toISOString().replace('.000Z', 'Z');
}
