/**
 * The business calendar: what a tenant writes (hours, holidays, time zone) and what it means.
 * The maths that counts business time on it is in ./business-time.ts.
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
 */
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { publicHolidayProblem } from './public-holidays.ts';
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
