import { describe, expect, it } from 'vitest';
import {
  addBusinessDays,
  addBusinessTime,
  businessTimeBetween,
  isBusinessDay,
  isBusinessTime,
  isHoliday,
  nextBusinessMoment,
  previousBusinessMoment,
  wallClockToInstant,
} from '../src/business-time.ts';
import { publicHolidayLookup, resolvePublicHolidays } from '../src/public-holidays.ts';
import { at, cal, everyDay, H, iso, M, NY_OFFICE, weekdays } from './support.ts';

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

describe('public holidays resolved when saved', () => {
  const choice = { country: 'US' } as const;
  const written = cal({
    timeZone: 'America/New_York',
    hours: weekdays([['08:00', '17:00']]),
    publicHolidays: choice,
  });

  it('stores the same dates the library gives, year by year', () => {
    const saved = resolvePublicHolidays(written, { from: 2024, to: 2025 });
    expect(saved.publicHolidayDates?.from).toBe(2024);
    expect(saved.publicHolidayDates?.to).toBe(2025);
    expect(saved.publicHolidayDates?.dates).toEqual([
      ...publicHolidayLookup(choice)(2024),
      ...publicHolidayLookup(choice)(2025),
    ]);
    expect(saved.publicHolidayDates?.dates).toContain('2024-07-04');
    for (const t of [
      '2024-07-04T16:00:00Z',
      '2024-11-28T16:00:00Z',
      '2025-01-01T16:00:00Z',
      '2024-02-14T16:00:00Z',
    ]) {
      expect(isHoliday(saved, at(t)), t).toBe(isHoliday(written, at(t)));
    }
    expect(iso(addBusinessTime(saved, at('2024-07-03T20:00:00Z'), 2 * H))).toBe('2024-07-05T13:00:00.000Z');
  });

  it('reads the stored dates within their years, not the library', () => {
    const saved = cal({
      timeZone: 'UTC',
      hours: weekdays([['08:00', '17:00']]),
      publicHolidays: choice,
      publicHolidayDates: { from: 2024, to: 2024, dates: ['2024-03-05'] },
    });
    expect(isHoliday(saved, at('2024-03-05T12:00:00Z'))).toBe(true);
    expect(isHoliday(saved, at('2024-07-04T12:00:00Z'))).toBe(false);
    // Outside the stored years the installed library answers (a Lambda bundle has none).
    expect(isHoliday(saved, at('2025-07-04T12:00:00Z'))).toBe(true);
  });

  it('drops stale dates from a calendar that no longer names public holidays', () => {
    const { publicHolidays: _, ...without } = resolvePublicHolidays(written, { from: 2024, to: 2024 });
    expect(resolvePublicHolidays(without as typeof written, { from: 2024, to: 2024 })).not.toHaveProperty(
      'publicHolidayDates',
    );
  });
});
