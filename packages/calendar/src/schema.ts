/**
 * The business calendar: what a tenant writes (hours, holidays, time zone) and what it means.
 * The maths that counts business time on it is in ./business-time.ts; a saved calendar is read
 * with ./resolved.ts, which does not load the public-holiday library this schema checks against.
 *
 * Model
 * - `hours` gives, per weekday, wall-clock ranges in `timeZone`. A range whose end is before its start
 *   (e.g. ['22:00', '06:00']) runs into the next day; '24:00' is the end of the day. A range ending where it
 *   starts, and ranges of one day that overlap, are refused.
 * - Wall-clock boundaries are turned into instants with the zone's rules: a local time that does not exist
 *   (spring forward) is read with the offset in force before the change, i.e. it moves later by the gap
 *   (02:30 becomes 03:30); a local time that occurs twice (fall back) is its first occurrence. A range that
 *   collapses this way (e.g. 02:30-03:15 on a spring-forward night) is empty.
 * - Business time is counted in real elapsed milliseconds between instants (a shift that spans a DST change
 *   is an hour shorter or longer than its wall-clock length).
 * - A holiday (specific date, recurring MM-DD, or a public holiday from date-holidays) closes that whole local
 *   calendar date in `timeZone`, including the after-midnight part of an overnight shift that started the day
 *   before. Partial-day public holidays (e.g. Christmas Eve from 14:00) close the whole date.
 * - Public holidays are resolved to dates when a division of work is saved (`publicHolidayDates`, some years
 *   around its effective date). Other years, or a calendar without those dates, are computed with the
 *   library where it is installed (tests, tools, the local runtime); a Lambda bundle has only the dates.
 * - All intervals are half-open [start, end): the closing instant itself is not business time.
 */
import { publicHolidayProblem } from './public-holidays.ts';
import { calendarSchema } from './resolved.ts';

export {
  ALWAYS_OPEN,
  type Calendar,
  type CalendarInput,
  isValidTimeZone,
  type Weekday,
  WeekdaySchema,
} from './resolved.ts';

/** A calendar as written: the public-holiday choice is checked against date-holidays' catalogue. */
export const CalendarSchema = calendarSchema(publicHolidayProblem);
