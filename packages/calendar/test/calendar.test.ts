import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  ALWAYS_OPEN,
  addBusinessDays,
  addBusinessTime,
  businessTimeBetween,
  type Calendar,
  type CalendarInput,
  CalendarSchema,
  isBusinessDay,
  isBusinessTime,
  isHoliday,
  nextBusinessMoment,
  previousBusinessMoment,
  wallClockToInstant,
} from '../src/calendar.ts';

const H = 3_600_000;
const M = 60_000;
const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();
const cal = (input: CalendarInput): Calendar => CalendarSchema.parse(input);
const weekdays = (ranges: [string, string][]) => ({
  mon: ranges,
  tue: ranges,
  wed: ranges,
  thu: ranges,
  fri: ranges,
});
const everyDay = (ranges: [string, string][]) => ({ ...weekdays(ranges), sat: ranges, sun: ranges });

const NY_OFFICE = cal({ timeZone: 'America/New_York', hours: weekdays([['09:00', '17:00']]) });

describe('CalendarSchema', () => {
  it('parses a calendar and fills in defaults', () => {
    const c = CalendarSchema.parse({ timeZone: 'Europe/Berlin', hours: { mon: [['08:00', '17:00']] } });
    expect(c).toEqual({
      timeZone: 'Europe/Berlin',
      hours: { mon: [['08:00', '17:00']] },
      holidays: [],
      recurringHolidays: [],
    });
    const pub = CalendarSchema.parse({ timeZone: 'UTC', hours: {}, publicHolidays: { country: 'US' } });
    expect(pub.publicHolidays).toEqual({ country: 'US', types: ['public'] });
  });

  it('rejects an unknown time zone with a clear message', () => {
    const r = CalendarSchema.safeParse({ timeZone: 'Europe/Atlantis', hours: {} });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/Unknown time zone "Europe\/Atlantis".*IANA/);
    expect(() => addBusinessTime({ ...ALWAYS_OPEN, timeZone: 'Nowhere/Special' }, new Date(0), 1)).toThrow(
      /Unknown time zone "Nowhere\/Special"/,
    );
  });

  it.each([
    [{ hours: { mon: [['25:00', '26:00']] } }, /Invalid wall-clock time "25:00"/],
    [{ hours: { mon: [['9am', '17:00']] } }, /Invalid wall-clock time "9am"/],
    [{ hours: { mon: [['24:00', '02:00']] } }, /"24:00" can only end a range/],
    [{ hours: {}, holidays: ['2024-02-30'] }, /Invalid holiday date "2024-02-30"/],
    [{ hours: {}, recurringHolidays: ['13-01'] }, /Invalid recurring holiday "13-01"/],
    [{ hours: {}, publicHolidays: { country: 'XX' } }, /Unknown public-holiday country "XX"/],
    [{ hours: {}, publicHolidays: { country: 'US', state: 'ZZ' } }, /Unknown public-holiday state "ZZ"/],
  ])('rejects invalid input %#', (partial, message) => {
    const r = CalendarSchema.safeParse({ timeZone: 'UTC', ...partial });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.message).join('; ')).toMatch(message);
  });

  it('refuses to compute on a calendar without hours', () => {
    expect(() => addBusinessTime(cal({ timeZone: 'UTC', hours: {} }), new Date(0), H)).toThrow(
      /no business hours/,
    );
  });
});

describe('ALWAYS_OPEN', () => {
  it('is plain elapsed time', () => {
    const start = at('2024-03-10T06:30:00Z');
    expect(iso(addBusinessTime(ALWAYS_OPEN, start, 90 * 24 * H))).toBe('2024-06-08T06:30:00.000Z');
    expect(iso(addBusinessTime(ALWAYS_OPEN, start, -H))).toBe('2024-03-10T05:30:00.000Z');
    expect(businessTimeBetween(ALWAYS_OPEN, start, at('2025-03-10T06:30:00Z'))).toBe(365 * 24 * H);
    expect(isBusinessTime(ALWAYS_OPEN, start)).toBe(true);
    expect(nextBusinessMoment(ALWAYS_OPEN, start)).toEqual(start);
    expect(isHoliday(ALWAYS_OPEN, start)).toBe(false);
  });
});

describe('office hours', () => {
  it('adds within the day, overnight, and from before opening', () => {
    expect(iso(addBusinessTime(NY_OFFICE, at('2024-03-06T15:00:00Z'), 8 * H))).toBe(
      '2024-03-07T15:00:00.000Z',
    );
    expect(iso(addBusinessTime(NY_OFFICE, at('2024-03-06T12:00:00Z'), H))).toBe('2024-03-06T15:00:00.000Z');
  });

  it('lands on the closing instant itself, and counts from the next opening when started at a close', () => {
    expect(iso(addBusinessTime(NY_OFFICE, at('2024-03-06T21:00:00Z'), H))).toBe('2024-03-06T22:00:00.000Z');
    expect(iso(addBusinessTime(NY_OFFICE, at('2024-03-06T22:00:00Z'), H))).toBe('2024-03-07T15:00:00.000Z');
    expect(isBusinessTime(NY_OFFICE, at('2024-03-06T22:00:00Z'))).toBe(false);
    expect(isBusinessTime(NY_OFFICE, at('2024-03-06T14:00:00Z'))).toBe(true);
  });

  it('subtracts, landing on the opening instant itself and skipping the weekend', () => {
    expect(iso(addBusinessTime(NY_OFFICE, at('2024-03-06T15:00:00Z'), -H))).toBe('2024-03-06T14:00:00.000Z');
    // Mon 2024-03-11 10:00 EDT - 2h = Fri 16:00 EST, across the spring-forward weekend
    expect(iso(addBusinessTime(NY_OFFICE, at('2024-03-11T14:00:00Z'), -2 * H))).toBe(
      '2024-03-08T21:00:00.000Z',
    );
    // from Sunday: counts back from Friday's close
    expect(iso(addBusinessTime(NY_OFFICE, at('2024-03-10T16:00:00Z'), -H))).toBe('2024-03-08T21:00:00.000Z');
  });

  it('zero gives the next business moment', () => {
    expect(iso(addBusinessTime(NY_OFFICE, at('2024-03-09T16:00:00Z'), 0))).toBe('2024-03-11T13:00:00.000Z');
    expect(iso(nextBusinessMoment(NY_OFFICE, at('2024-03-06T15:00:00Z')))).toBe('2024-03-06T15:00:00.000Z');
    expect(iso(previousBusinessMoment(NY_OFFICE, at('2024-03-09T16:00:00Z')))).toBe(
      '2024-03-08T22:00:00.000Z',
    );
    expect(iso(previousBusinessMoment(NY_OFFICE, at('2024-03-08T22:00:00Z')))).toBe(
      '2024-03-08T22:00:00.000Z',
    );
  });

  it('handles long durations by whole days (months of business time)', () => {
    // 1000 business hours = 125 business days of 8h from Mon 2024-01-01 09:00 EST
    const end = addBusinessTime(NY_OFFICE, at('2024-01-01T14:00:00Z'), 1000 * H);
    expect(iso(end)).toBe('2024-06-21T21:00:00.000Z'); // Fri 17:00 EDT
    expect(businessTimeBetween(NY_OFFICE, at('2024-01-01T14:00:00Z'), end)).toBe(1000 * H);
    expect(iso(addBusinessTime(NY_OFFICE, end, -1000 * H))).toBe('2024-01-01T14:00:00.000Z');
  });

  it('businessTimeBetween is signed', () => {
    const a = at('2024-03-06T15:00:00Z');
    const b = at('2024-03-07T15:00:00Z');
    expect(businessTimeBetween(NY_OFFICE, a, b)).toBe(8 * H);
    expect(businessTimeBetween(NY_OFFICE, b, a)).toBe(-8 * H);
    expect(businessTimeBetween(NY_OFFICE, a, a)).toBe(0);
  });
});

describe('DST in America/New_York (2024-03-10 spring forward, 2024-11-03 fall back)', () => {
  const NY_24x7 = cal({ timeZone: 'America/New_York', hours: everyDay([['00:00', '24:00']]) });

  it('counts real elapsed time: the spring-forward day has 23 hours, the fall-back day 25', () => {
    expect(businessTimeBetween(NY_24x7, at('2024-03-10T05:00:00Z'), at('2024-03-11T04:00:00Z'))).toBe(23 * H);
    expect(businessTimeBetween(NY_24x7, at('2024-11-03T04:00:00Z'), at('2024-11-04T05:00:00Z'))).toBe(25 * H);
    // Sat 12:00 EST + 24h = Sun 13:00 EDT
    expect(iso(addBusinessTime(NY_24x7, at('2024-03-09T17:00:00Z'), 24 * H))).toBe(
      '2024-03-10T17:00:00.000Z',
    );
  });

  it('keeps the same wall-clock office hours across the change', () => {
    // Fri 16:00 EST + 2h = Mon 10:00 EDT
    expect(iso(addBusinessTime(NY_OFFICE, at('2024-03-08T21:00:00Z'), 2 * H))).toBe(
      '2024-03-11T14:00:00.000Z',
    );
    // Fri 16:00 EDT + 2h = Mon 10:00 EST
    expect(iso(addBusinessTime(NY_OFFICE, at('2024-11-01T20:00:00Z'), 2 * H))).toBe(
      '2024-11-04T15:00:00.000Z',
    );
  });

  it('a shift over the gap is an hour shorter, over the overlap an hour longer', () => {
    const night = cal({ timeZone: 'America/New_York', hours: { sun: [['01:00', '04:00']] } });
    expect(businessTimeBetween(night, at('2024-03-10T00:00:00Z'), at('2024-03-11T00:00:00Z'))).toBe(2 * H);
    expect(businessTimeBetween(night, at('2024-11-03T00:00:00Z'), at('2024-11-04T00:00:00Z'))).toBe(4 * H);
    expect(businessTimeBetween(night, at('2024-03-17T00:00:00Z'), at('2024-03-18T00:00:00Z'))).toBe(3 * H);
  });

  it('a boundary that does not exist moves later by the gap; an empty range disappears', () => {
    const gap = cal({
      timeZone: 'America/New_York',
      hours: { sun: [['02:30', '05:00']], mon: [['09:00', '17:00']] },
    });
    expect(iso(nextBusinessMoment(gap, at('2024-03-10T05:00:00Z')))).toBe('2024-03-10T07:30:00.000Z'); // 03:30 EDT
    const empty = cal({
      timeZone: 'America/New_York',
      hours: { sun: [['02:30', '03:15']], mon: [['09:00', '17:00']] },
    });
    expect(iso(nextBusinessMoment(empty, at('2024-03-10T05:00:00Z')))).toBe('2024-03-11T13:00:00.000Z');
    expect(iso(nextBusinessMoment(empty, at('2024-03-17T04:00:00Z')))).toBe('2024-03-17T06:30:00.000Z');
  });

  it('a boundary that occurs twice is its first occurrence', () => {
    const twice = cal({ timeZone: 'America/New_York', hours: { sun: [['01:30', '01:45']] } });
    expect(isBusinessTime(twice, at('2024-11-03T05:35:00Z'))).toBe(true); // 01:35 EDT
    expect(isBusinessTime(twice, at('2024-11-03T06:35:00Z'))).toBe(false); // 01:35 EST
    expect(iso(wallClockToInstant('America/New_York', '2024-11-03', '01:30'))).toBe(
      '2024-11-03T05:30:00.000Z',
    );
    expect(iso(wallClockToInstant('America/New_York', '2024-03-10', '02:30'))).toBe(
      '2024-03-10T07:30:00.000Z',
    );
  });
});

describe('DST in Europe/Berlin (2024-03-31 and 2024-10-27)', () => {
  const NIGHTS = cal({ timeZone: 'Europe/Berlin', hours: everyDay([['22:00', '06:00']]) });
  const OFFICE = cal({ timeZone: 'Europe/Berlin', hours: weekdays([['09:00', '17:00']]) });

  it('a night shift over spring forward is 7 hours, over fall back 9 hours', () => {
    expect(businessTimeBetween(NIGHTS, at('2024-03-30T20:00:00Z'), at('2024-03-31T12:00:00Z'))).toBe(7 * H);
    expect(businessTimeBetween(NIGHTS, at('2024-10-26T19:00:00Z'), at('2024-10-27T12:00:00Z'))).toBe(9 * H);
    // 8h from Sat 22:00 CET: 7h that night, 1h from Sun 22:00 CEST
    expect(iso(addBusinessTime(NIGHTS, at('2024-03-30T21:00:00Z'), 8 * H))).toBe('2024-03-31T21:00:00.000Z');
  });

  it('office hours across the change', () => {
    // Fri 16:00 CEST + 2h = Mon 10:00 CET
    expect(iso(addBusinessTime(OFFICE, at('2024-10-25T14:00:00Z'), 2 * H))).toBe('2024-10-28T09:00:00.000Z');
    expect(iso(addBusinessTime(OFFICE, at('2024-10-28T09:00:00Z'), -2 * H))).toBe('2024-10-25T14:00:00.000Z');
    expect(iso(addBusinessDays(OFFICE, at('2024-03-29T09:00:00Z'), 1))).toBe('2024-04-01T08:00:00.000Z');
  });
});

describe('overnight, split shifts and 24:00', () => {
  const NIGHT = cal({ timeZone: 'UTC', hours: weekdays([['22:00', '06:00']]) });

  it('an overnight shift runs into the next day', () => {
    expect(isBusinessTime(NIGHT, at('2024-01-06T03:00:00Z'))).toBe(true); // Sat, Friday's shift
    expect(isBusinessTime(NIGHT, at('2024-01-07T03:00:00Z'))).toBe(false); // Sun
    expect(isBusinessTime(NIGHT, at('2024-01-08T03:00:00Z'))).toBe(false); // Mon morning: no Sunday shift
    expect(isBusinessTime(NIGHT, at('2024-01-08T23:00:00Z'))).toBe(true);
    expect(iso(addBusinessTime(NIGHT, at('2024-01-06T05:00:00Z'), 2 * H))).toBe('2024-01-08T23:00:00.000Z');
    expect(iso(addBusinessTime(NIGHT, at('2024-01-08T23:00:00Z'), -2 * H))).toBe('2024-01-06T05:00:00.000Z');
  });

  it('split shifts skip the break', () => {
    const split = cal({
      timeZone: 'UTC',
      hours: weekdays([
        ['08:00', '12:00'],
        ['13:00', '17:00'],
      ]),
    });
    expect(iso(addBusinessTime(split, at('2024-01-08T09:00:00Z'), 5 * H))).toBe('2024-01-08T15:00:00.000Z');
    expect(iso(addBusinessTime(split, at('2024-01-08T13:30:00Z'), -H))).toBe('2024-01-08T11:30:00.000Z');
    expect(businessTimeBetween(split, at('2024-01-08T11:00:00Z'), at('2024-01-08T14:00:00Z'))).toBe(2 * H);
    expect(iso(nextBusinessMoment(split, at('2024-01-08T12:00:00Z')))).toBe('2024-01-08T13:00:00.000Z');
  });

  it("'24:00' ends the day and joins the next day's 00:00", () => {
    const late = cal({ timeZone: 'UTC', hours: { mon: [['18:00', '24:00']], tue: [['00:00', '02:00']] } });
    expect(iso(addBusinessTime(late, at('2024-01-01T23:00:00Z'), 3 * H))).toBe('2024-01-02T02:00:00.000Z');
    expect(isBusinessTime(late, at('2024-01-02T00:00:00Z'))).toBe(true);
    expect(businessTimeBetween(late, at('2024-01-01T23:00:00Z'), at('2024-01-02T01:00:00Z'))).toBe(2 * H);
  });

  it('overlapping ranges are not counted twice', () => {
    const overlap = cal({ timeZone: 'UTC', hours: { mon: [['22:00', '06:00']], tue: [['00:00', '08:00']] } });
    expect(businessTimeBetween(overlap, at('2024-01-01T00:00:00Z'), at('2024-01-03T00:00:00Z'))).toBe(10 * H);
  });
});

describe('holidays', () => {
  it('skips specific dates, judged in the calendar zone', () => {
    const c = cal({
      timeZone: 'America/New_York',
      hours: weekdays([['09:00', '17:00']]),
      holidays: ['2024-12-25'],
    });
    // Tue 16:00 EST + 2h = Thu 10:00 EST
    expect(iso(addBusinessTime(c, at('2024-12-24T21:00:00Z'), 2 * H))).toBe('2024-12-26T15:00:00.000Z');
    expect(isHoliday(c, at('2024-12-26T03:00:00Z'))).toBe(true); // still Dec 25, 22:00 in New York
    expect(isHoliday(c, at('2024-12-26T06:00:00Z'))).toBe(false);
    expect(isBusinessDay(c, at('2024-12-25T17:00:00Z'))).toBe(false);
  });

  it('skips recurring dates every year', () => {
    const c = cal({
      timeZone: 'UTC',
      hours: weekdays([['09:00', '17:00']]),
      recurringHolidays: ['12-25', '01-01'],
    });
    expect(iso(addBusinessTime(c, at('2025-12-24T16:00:00Z'), 2 * H))).toBe('2025-12-26T10:00:00.000Z');
    expect(isHoliday(c, at('2030-01-01T12:00:00Z'))).toBe(true);
  });

  it('skips US federal holidays from date-holidays, including observed days', () => {
    const us = cal({
      timeZone: 'America/New_York',
      hours: weekdays([['08:00', '17:00']]),
      publicHolidays: { country: 'US' },
    });
    expect(isHoliday(us, at('2024-07-04T16:00:00Z'))).toBe(true);
    expect(isHoliday(us, at('2024-11-28T16:00:00Z'))).toBe(true); // Thanksgiving
    expect(isHoliday(us, at('2021-07-05T16:00:00Z'))).toBe(true); // Independence Day observed
    expect(isHoliday(us, at('2024-02-14T16:00:00Z'))).toBe(false); // an observance, not a public holiday
    // Wed 16:00 EDT + 2h = Fri 09:00 EDT (Thursday July 4th is closed)
    expect(iso(addBusinessTime(us, at('2024-07-03T20:00:00Z'), 2 * H))).toBe('2024-07-05T13:00:00.000Z');
    const withObservances = cal({
      timeZone: 'America/New_York',
      hours: weekdays([['08:00', '17:00']]),
      publicHolidays: { country: 'US', types: ['public', 'observance'] },
    });
    expect(isHoliday(withObservances, at('2024-02-14T16:00:00Z'))).toBe(true);
  });

  it('closes the whole local date, also the tail of a night shift that began the evening before', () => {
    const c = cal({ timeZone: 'UTC', hours: everyDay([['22:00', '06:00']]), holidays: ['2024-12-25'] });
    // Dec 24 22-24 (2h) + nothing on Dec 25 + Dec 26 00-06 (6h, the tail of the shift begun on the 25th)
    expect(businessTimeBetween(c, at('2024-12-24T20:00:00Z'), at('2024-12-26T08:00:00Z'))).toBe(8 * H);
  });
});

describe('pauses (the clock stops, e.g. Zammad pending states)', () => {
  const EU = cal({ timeZone: 'Europe/Berlin', hours: everyDay([['09:00', '18:00']]) });
  const p = (start: string, end: string) => ({ start: at(start), end: at(end) });

  it('moves the due time by the business time the pauses overlap after the start', () => {
    const start = at('2013-06-04T10:15:00Z');
    const pauses = [p('2013-06-04T10:00:00Z', '2013-06-04T10:30:00Z')];
    expect(iso(addBusinessTime(EU, start, 3 * H, { pauses }))).toBe('2013-06-04T13:30:00.000Z');
  });

  it('ignores pause time outside business hours, and merges overlapping pauses', () => {
    const start = at('2013-06-04T09:00:00Z');
    const night = [p('2013-06-04T17:00:00Z', '2013-06-05T06:00:00Z')];
    expect(iso(addBusinessTime(EU, start, 8 * H, { pauses: night }))).toBe('2013-06-05T08:00:00.000Z');
    const overlapping = [
      p('2013-06-04T10:00:00Z', '2013-06-04T10:30:00Z'),
      p('2013-06-04T10:15:00Z', '2013-06-04T10:45:00Z'),
    ];
    expect(iso(addBusinessTime(EU, start, 2 * H, { pauses: overlapping }))).toBe('2013-06-04T11:45:00.000Z');
  });

  it('a pause spanning days, a pause at the start with zero duration', () => {
    const pauses = [p('2013-06-03T22:00:00Z', '2013-06-05T22:00:00Z')];
    expect(iso(addBusinessTime(EU, at('2013-06-04T08:00:00Z'), H, { pauses }))).toBe(
      '2013-06-06T08:00:00.000Z',
    );
    const atStart = [p('2013-06-04T09:00:00Z', '2013-06-04T09:20:00Z')];
    expect(iso(addBusinessTime(EU, at('2013-06-04T09:00:00Z'), 0, { pauses: atStart }))).toBe(
      '2013-06-04T09:20:00.000Z',
    );
  });

  it('subtraction and elapsed time honour pauses', () => {
    const pauses = [p('2013-06-04T12:00:00Z', '2013-06-04T12:30:00Z')];
    expect(iso(addBusinessTime(EU, at('2013-06-04T14:00:00Z'), -2 * H, { pauses }))).toBe(
      '2013-06-04T11:30:00.000Z',
    );
    expect(businessTimeBetween(EU, at('2013-06-04T11:00:00Z'), at('2013-06-04T14:00:00Z'), { pauses })).toBe(
      150 * M,
    );
    expect(businessTimeBetween(EU, at('2013-06-04T14:00:00Z'), at('2013-06-04T11:00:00Z'), { pauses })).toBe(
      -150 * M,
    );
  });
});

describe('addBusinessDays (biz day semantics)', () => {
  // zendesk/biz spec schedule, UTC; 2006-01-02 is a Monday
  const BIZ = cal({
    timeZone: 'Etc/UTC',
    hours: {
      mon: [['09:00', '17:00']],
      tue: [['10:00', '16:00']],
      wed: [['09:00', '17:00']],
      thu: [['10:00', '16:00']],
      fri: [['09:00', '17:00']],
      sat: [['11:00', '14:30']],
    },
  });

  it.each([
    ['2006-01-06T12:00:00Z', 2, '2006-01-09T12:00:00.000Z'],
    ['2006-01-03T08:00:00Z', 2, '2006-01-05T10:00:00.000Z'],
    ['2006-01-03T18:00:00Z', 2, '2006-01-06T09:00:00.000Z'],
    ['2006-01-06T12:30:52Z', 2, '2006-01-09T12:30:52.000Z'],
    ['2006-01-09T12:00:00Z', -2, '2006-01-06T12:00:00.000Z'],
    ['2006-01-05T08:00:00Z', -2, '2006-01-02T17:00:00.000Z'],
    ['2006-01-05T18:00:00Z', -2, '2006-01-03T16:00:00.000Z'],
    ['2006-01-02T13:00:00Z', 0, '2006-01-02T13:00:00.000Z'],
  ])('from %s by %i days', (start, days, expected) => {
    expect(iso(addBusinessDays(BIZ, at(start), days))).toBe(expected);
  });

  it('skips holidays and keeps the wall-clock time across DST', () => {
    const c = cal({
      timeZone: 'America/New_York',
      hours: weekdays([['09:00', '17:00']]),
      holidays: ['2010-07-05'],
    });
    expect(iso(addBusinessDays(c, at('2010-07-02T20:50:00Z'), 1))).toBe('2010-07-06T20:50:00.000Z');
    expect(iso(addBusinessDays(c, at('2010-07-06T20:50:00Z'), -1))).toBe('2010-07-02T20:50:00.000Z');
    expect(iso(addBusinessDays(NY_OFFICE, at('2024-03-08T15:00:00Z'), 1))).toBe('2024-03-11T14:00:00.000Z');
    expect(iso(addBusinessDays(NY_OFFICE, at('2024-01-01T15:00:00Z'), 250))).toBe('2024-12-16T15:00:00.000Z');
  });

  it('rejects fractional days', () => {
    expect(() => addBusinessDays(NY_OFFICE, at('2024-01-01T15:00:00Z'), 1.5)).toThrow(/integer/);
  });
});

/** Independent oracle: is instant `t` business time, judged from its wall-clock reading (luxon)? */
function oracle(input: CalendarInput, t: number): boolean {
  const names = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const; // luxon weekday 1 = Monday
  const local = DateTime.fromMillis(t, { zone: input.timeZone });
  if ((input.holidays ?? []).includes(local.toISODate() ?? '')) return false;
  const minute = local.hour * 60 + local.minute;
  const toMin = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
  const today = input.hours[names[local.weekday]!] ?? [];
  const yesterday = input.hours[names[local.minus({ days: 1 }).weekday]!] ?? [];
  for (const [s, e] of today) {
    const a = toMin(s);
    const b = toMin(e);
    if (b > a ? minute >= a && minute < b : minute >= a) return true;
  }
  for (const [s, e] of yesterday) {
    const a = toMin(s);
    const b = toMin(e);
    if (b <= a && minute < b) return true; // tail of yesterday's overnight shift
  }
  return false;
}

describe('cross-check against a minute-by-minute wall-clock oracle', () => {
  const inputs: [string, CalendarInput, string][] = [
    [
      'New York, split + overnight, spring forward',
      {
        timeZone: 'America/New_York',
        hours: {
          ...weekdays([
            ['08:00', '12:00'],
            ['13:00', '17:30'],
          ]),
          sat: [['22:00', '03:00']],
          sun: [
            ['01:00', '04:00'],
            ['20:00', '24:00'],
          ],
        },
        holidays: ['2024-03-13'],
      },
      '2024-03-07T00:00:00Z',
    ],
    [
      'New York, fall back',
      {
        timeZone: 'America/New_York',
        hours: { ...weekdays([['07:15', '19:45']]), sat: [['23:00', '05:00']], sun: [['00:00', '24:00']] },
      },
      '2024-10-31T00:00:00Z',
    ],
    [
      'Berlin, night shifts, spring forward',
      { timeZone: 'Europe/Berlin', hours: everyDay([['21:30', '06:30']]), holidays: ['2024-04-01'] },
      '2024-03-28T00:00:00Z',
    ],
    [
      'Berlin, split, fall back',
      {
        timeZone: 'Europe/Berlin',
        hours: everyDay([
          ['01:00', '04:00'],
          ['10:00', '13:00'],
        ]),
      },
      '2024-10-24T00:00:00Z',
    ],
  ];

  for (const [name, input, from] of inputs) {
    it(name, () => {
      const c = cal(input);
      const start = Date.parse(from);
      const end = start + 8 * 24 * H;
      let minutes = 0;
      for (let t = start; t < end; t += M) {
        const expected = oracle(input, t);
        if (expected) minutes++;
        if (isBusinessTime(c, new Date(t)) !== expected) {
          throw new Error(`isBusinessTime(${new Date(t).toISOString()}) should be ${expected}`);
        }
      }
      expect(businessTimeBetween(c, new Date(start), new Date(end))).toBe(minutes * M);
      // add and between are inverse, forward and backward
      for (let s = start; s < end - 2 * 24 * H; s += 97 * M) {
        for (const d of [M, 45 * M, 5 * H, 27 * H]) {
          const due = addBusinessTime(c, new Date(s), d);
          expect(businessTimeBetween(c, new Date(s), due)).toBe(d);
          const back = addBusinessTime(c, new Date(s + 2 * 24 * H), -d);
          expect(businessTimeBetween(c, back, new Date(s + 2 * 24 * H))).toBe(d);
        }
      }
    });
  }
});
