/**
 * What date-holidays reads of moment-timezone, on Luxon: the Lambda bundles' `moment-timezone`
 * (an esbuild alias, infra/src/psa-function.ts).
 *
 * date-holidays (through date-holidays-parser and caldate) uses moment-timezone for three things:
 * the local date of an equinox in a zone or at an offset (`moment(iso).tz(zone)`,
 * `moment(iso).utcOffset('+08:00')`), a holiday's wall-clock start as an instant
 * (`moment.tz('YYYY-MM-DD HH:mm:ss', zone).format()`), and a UTC instant's wall clock in a zone
 * (`moment.tz(date, zone)`). moment-timezone carries every zone's history as data (715 KB of a
 * bundle, parsed at cold start); Luxon, already in every bundle, reads the same IANA zones from
 * the runtime's ICU. packages/calendar/test/moment-timezone-on-luxon.test.ts checks that the
 * library gives the same holidays through this as through moment-timezone, for every country.
 */
import { DateTime } from 'luxon';

/** A moment in a zone: the parts of moment's API the library reads. */
export interface ZonedMoment {
  year(): number;
  /** 0-based, as moment's. */
  month(): number;
  date(): number;
  hours(): number;
  minutes(): number;
  seconds(): number;
  tz(zone: string): ZonedMoment;
  utcOffset(offset: string): ZonedMoment;
  /** ISO 8601 with the offset, to the second, as moment's default format. */
  format(): string;
}

function known(dt: DateTime, what: string): DateTime {
  if (!dt.isValid) throw new RangeError(`moment-timezone on Luxon: ${what}: ${dt.invalidExplanation}`);
  return dt;
}

function wrap(dt: DateTime): ZonedMoment {
  return {
    year: () => dt.year,
    month: () => dt.month - 1,
    date: () => dt.day,
    hours: () => dt.hour,
    minutes: () => dt.minute,
    seconds: () => dt.second,
    tz: (zone) => wrap(known(dt.setZone(zone), zone)),
    utcOffset: (offset) => wrap(known(dt.setZone(`UTC${offset}`), offset)),
    format: () => dt.toISO({ suppressMilliseconds: true, includeOffset: true }) ?? '',
  };
}

/** An instant: a `Date`, or an ISO 8601 string (UTC unless it says otherwise). */
function instant(input: Date | string): DateTime {
  return typeof input === 'string'
    ? known(DateTime.fromISO(input, { zone: 'utc', setZone: true }), input)
    : known(DateTime.fromJSDate(input, { zone: 'utc' }), String(input));
}

/** `moment(instant)`. */
function moment(input: Date | string): ZonedMoment {
  return wrap(instant(input));
}

/**
 * `moment.tz(input, zone)`: a `Date` seen in `zone`, or a wall-clock string
 * (`YYYY-MM-DD HH:mm:ss`) read in `zone` (a time skipped by a clock change moves forward, as in
 * moment).
 */
moment.tz = (input: Date | string, zone: string): ZonedMoment => {
  if (typeof input !== 'string') return wrap(known(instant(input).setZone(zone), zone));
  const wall = DateTime.fromSQL(input, { zone });
  return wrap(known(wall.isValid ? wall : DateTime.fromISO(input, { zone }), `${input} in ${zone}`));
};

export default moment;
