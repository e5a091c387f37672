/**
 * The business calendar as the running system reads it: the shape of what a tenant writes (hours,
 * holidays, time zone; see ./schema.ts for the model) plus the public holidays resolved to dates
 * when the division of work was saved. Nothing here loads the public-holiday library, so a
 * function that only reads calendars does not carry it (issue 13).
 */
import { IANAZone } from 'luxon';
import * as z from 'zod';
import { parseDateDay, parseMonthDay, parseTimeOfDay, WEEKDAYS, type Weekday } from './wall-clock.ts';

export const WeekdaySchema = z.enum(WEEKDAYS);
export type { Weekday };

/** True when `name` is a time zone the runtime knows (IANA names, plus 'UTC'). */
export function isValidTimeZone(name: string): boolean {
  return typeof name === 'string' && name.length > 0 && IANAZone.isValidZone(name);
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

/**
 * One range of a day. An end before its start is an overnight range (['22:00', '06:00'] runs
 * until 06:00 the next day): shift work is written that way, and business time counts it. An end
 * equal to its start says nothing clear (empty, or 24 hours?), so it is refused.
 */
const RangeSchema = z.tuple([TimeOfDaySchema, TimeOfDaySchema]).superRefine(([start, end], ctx) => {
  const from = parseTimeOfDay(start);
  if (from === 86_400) {
    ctx.addIssue({ code: 'custom', message: '"24:00" can only end a range, not start one' });
  } else if (from !== undefined && from === parseTimeOfDay(end)) {
    ctx.addIssue({
      code: 'custom',
      message: `a range ending where it starts ("${start}"-"${end}") is either empty or 24 hours: write ["00:00", "24:00"] for a whole day, or leave the day out`,
    });
  }
});

/** A day's ranges as [start, end) seconds, an overnight range's end on the next day. */
function spans(ranges: readonly (readonly [string, string])[]): { at: number; start: number; end: number }[] {
  return ranges.flatMap(([startText, endText], at) => {
    const start = parseTimeOfDay(startText);
    const end = parseTimeOfDay(endText);
    if (start === undefined || end === undefined || start === end) return [];
    return [{ at, start, end: end <= start ? end + 86_400 : end }];
  });
}

/** A day's ranges must not overlap: an overlap is a typing mistake more often than intended. */
const DayRangesSchema = z.array(RangeSchema).superRefine((ranges, ctx) => {
  const sorted = spans(ranges).sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    const before = sorted[i - 1]!;
    const range = sorted[i]!;
    if (range.start < before.end) {
      ctx.addIssue({
        code: 'custom',
        path: [range.at],
        message: `overlaps the range ${JSON.stringify(ranges[before.at])} of the same day`,
      });
    }
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

/** Which public holidays close the calendar (a date-holidays country/state/region and holiday types). */
export interface PublicHolidayChoice {
  country: string;
  state?: string | undefined;
  region?: string | undefined;
  types?: string[] | undefined;
}

/**
 * The public holidays of whole years, resolved when the division of work was saved: the local
 * dates of every year from `from` to `to` (inclusive) that close the calendar.
 */
export const PublicHolidayDatesSchema = z.object({
  from: z.number().int(),
  to: z.number().int(),
  dates: z.array(DateStringSchema),
});
export type PublicHolidayDates = z.infer<typeof PublicHolidayDatesSchema>;

/**
 * The calendar's schema; `publicHolidayProblem` (the library's catalogue) checks the public-holiday
 * choice where a calendar is written, and is left out where a saved one is read.
 */
export function calendarSchema(
  publicHolidayProblem?: (country: string, state?: string, region?: string) => string | undefined,
) {
  const PublicHolidaysSchema = z
    .object({
      country: z.string(),
      state: z.string().optional(),
      region: z.string().optional(),
      types: z.array(z.string()).default(['public']),
    })
    .superRefine((value, ctx) => {
      const problem = publicHolidayProblem?.(value.country, value.state, value.region);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
  return z.object({
    /** IANA zone the wall-clock hours and holiday dates are in. */
    timeZone: TimeZoneSchema,
    /** 'HH:MM' wall-clock ranges per weekday; '24:00' = end of day; an end before the start runs into the next day. */
    hours: z.partialRecord(WeekdaySchema, DayRangesSchema),
    /** Whole local dates without business time ('YYYY-MM-DD'). */
    holidays: z.array(DateStringSchema).default([]),
    /** Dates closed every year ('MM-DD'). */
    recurringHolidays: z.array(MonthDaySchema).default([]),
    /** Public holidays from date-holidays, e.g. { country: 'US' } for US federal holidays. */
    publicHolidays: PublicHolidaysSchema.optional(),
    /** `publicHolidays` as dates, filled in when the division of work is saved (never written by hand). */
    publicHolidayDates: PublicHolidayDatesSchema.optional(),
  });
}

/** A saved calendar: the shape is checked, the public holidays are read from `publicHolidayDates`. */
export const ResolvedCalendarSchema = calendarSchema();

export type Calendar = z.infer<typeof ResolvedCalendarSchema>;
export type CalendarInput = z.input<typeof ResolvedCalendarSchema>;

/** The closing local dates ('YYYY-MM-DD') of one year. */
export type PublicHolidayLookup = (year: number) => string[];

const ALL_DAY: [string, string][] = [['00:00', '24:00']];

/** Open 24 hours a day, 7 days a week, 365 days a year, in UTC. */
export const ALWAYS_OPEN: Calendar = Object.freeze({
  timeZone: 'UTC',
  hours: { mon: ALL_DAY, tue: ALL_DAY, wed: ALL_DAY, thu: ALL_DAY, fri: ALL_DAY, sat: ALL_DAY, sun: ALL_DAY },
  holidays: [],
  recurringHolidays: [],
}) as Calendar;
