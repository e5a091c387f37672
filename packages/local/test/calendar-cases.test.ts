import { describe, expect, it } from 'vitest';
import { type CalendarCase, formatLike, runCase } from '../src/calendar-cases.ts';

const DATE_FNS = { repo: 'date-fns/date-fns' };
const BIZ = { repo: 'zendesk/biz' };
const BUSINESS_TIME = { repo: 'bokmann/business_time' };
const ZNUNY = { repo: 'znuny/Znuny' };

const dateFnsCalendar = (holidays: string[] = []) => ({
  timezone: 'local',
  hours: {
    mon: [['09:00', '17:00']],
    tue: [['09:00', '17:00']],
    wed: [['09:00', '17:00']],
    thu: [['09:00', '17:00']],
    fri: [['09:00', '17:00']],
  },
  holidays,
});
const bizCalendar = {
  timezone: 'Etc/UTC',
  hours: {
    mon: [['09:00', '17:00']],
    tue: [['10:00', '16:00']],
    wed: [['09:00', '17:00']],
    thu: [['10:00', '16:00']],
    fri: [['09:00', '17:00']],
    sat: [['11:00', '14:30']],
  },
  holidays: [],
};
const businessTimeCalendar = (holidays: string[] = []) => ({ ...dateFnsCalendar(holidays), timezone: 'UTC' });

function expectCase(c: Omit<CalendarCase, 'id'>, id = 'case'): void {
  const expected = c.expected ?? c.expected_local ?? c.expected_seconds;
  expect(runCase({ id, ...c } as CalendarCase)).toBe(expected);
}

describe('formatLike', () => {
  const t = new Date('2015-02-26T05:30:20Z');
  it('mirrors the example: Z, offsets, seconds, fractions, wall-clock', () => {
    expect(formatLike(t, '2013-03-21T10:30:00Z', 'UTC')).toBe('2015-02-26T05:30:20Z');
    expect(formatLike(new Date('2015-02-26T05:30:00Z'), '2013-03-21T10:30Z', 'UTC')).toBe(
      '2015-02-26T05:30Z',
    );
    expect(formatLike(t, '2015-02-21T22:10:05-02:00', 'America/Sao_Paulo')).toBe('2015-02-26T02:30:20-03:00');
    expect(formatLike(t, '2023-01-03T16:00:00.000+08:00', 'Asia/Singapore')).toBe(
      '2015-02-26T13:30:20.000+08:00',
    );
    expect(formatLike(t, '2015-02-17 12:00:00', 'Asia/Tehran')).toBe('2015-02-26 09:00:20');
  });

  it('keeps a fixed offset that is not the zone’s, and shows precision the example lacks', () => {
    expect(formatLike(t, '2015-03-26T16:00:00+00:00', 'Europe/Berlin')).toBe('2015-02-26T05:30:20+00:00');
    expect(formatLike(new Date('2015-02-26T05:30:20.250Z'), '2013-03-21T10:30:00Z', 'UTC')).toBe(
      '2015-02-26T05:30:20.250Z',
    );
  });
});

describe('date-fns conventions (addBusinessHours tests not in the visible corpus)', () => {
  it.each([
    ['subtract', '2023-01-03 14:00:00', 2, '2023-01-03 12:00:00', []],
    ['subtract', '2023-01-04 11:00:00', 5, '2023-01-03 14:00:00', []],
    ['subtract', '2023-01-03 08:00:00', 2, '2023-01-02 15:00:00', []],
    ['subtract', '2023-01-03 18:00:00', 2, '2023-01-03 15:00:00', []],
    ['add', '2023-01-03 16:00:00', 3, '2023-01-05 11:00:00', ['2023-01-04']],
    ['add', '2023-01-07 14:00:00', 0, '2023-01-07 14:00:00', []],
  ] as const)('%s %s %i h', (kind, start, hours, expected, holidays) => {
    expectCase({
      kind,
      calendar: dateFnsCalendar([...holidays]),
      start_local: start,
      duration_hours: hours,
      expected_local: expected,
      source: DATE_FNS,
    });
  });

  it('a context zone', () => {
    expectCase({
      kind: 'add',
      calendar: { ...dateFnsCalendar(), timezone: 'Asia/Singapore' },
      start: '2023-01-03T06:00:00Z',
      duration_hours: 2,
      expected: '2023-01-03T16:00:00.000+08:00',
      source: DATE_FNS,
    });
  });
});

describe('biz conventions', () => {
  it('zero before is the previous business moment, zero after the next', () => {
    const base = { calendar: bizCalendar, start: '2006-01-03T00:00:00Z', duration_seconds: 0, source: BIZ };
    expectCase({ ...base, kind: 'subtract', expected: '2006-01-02T17:00:00Z' });
    expectCase({ ...base, kind: 'add', expected: '2006-01-03T10:00:00Z' });
  });

  it('an add that ends at a closing instant returns the closing instant', () => {
    expectCase({
      kind: 'add',
      calendar: bizCalendar,
      start: '2006-01-04T15:30:00Z',
      duration_minutes: 90,
      expected: '2006-01-04T17:00:00Z',
      source: BIZ,
    });
  });

  it.each([
    ['add_business_days', '2006-01-03T18:00:00Z', 2, '2006-01-06T09:00:00Z'],
    ['subtract_business_days', '2006-01-05T08:00:00Z', 2, '2006-01-02T17:00:00Z'],
    ['subtract_business_days', '2006-01-02T14:00:00Z', 0, '2006-01-02T14:00:00Z'],
  ] as const)('%s from %s by %i', (kind, start, days, expected) => {
    expectCase({ kind, calendar: bizCalendar, start, days, expected, source: BIZ });
  });

  it.each([
    ['America/Los_Angeles', '2006-01-04', '12:30:09', '2006-01-04T20:30:09Z'],
    ['America/Los_Angeles', '2014-11-02', '01:30', '2014-11-02T08:30:00Z'],
    ['America/Sao_Paulo', '2015-10-17', '24:00', '2015-10-18T03:00:00Z'],
  ])('local_to_utc %s %s %s', (timezone, local_date, local_time, expected) => {
    expectCase({
      kind: 'local_to_utc',
      calendar: { timezone },
      local_date,
      local_time,
      expected,
      source: BIZ,
    });
  });
});

describe('biz breaks', () => {
  it('apply as pauses in the calendar zone', () => {
    expectCase({
      kind: 'add',
      calendar: {
        ...bizCalendar,
        timezone: 'America/Los_Angeles',
        breaks: { '2006-01-02': [['10:00', '11:30']] },
      },
      start: '2006-01-02T17:00:00Z',
      duration_minutes: 120,
      expected: '2006-01-02T20:30:00Z',
      source: BIZ,
    });
  });
});

describe('business_time business days', () => {
  it.each([
    ['add_business_days', '2010-04-10T11:00:00Z', 1, '2010-04-13T09:00:00Z'],
    ['add_business_days', '2010-04-10T23:55:00Z', 1, '2010-04-13T09:00:00Z'],
    ['add_business_days', '2015-10-14T01:54:00Z', 1, '2015-10-15T09:00:00Z'],
    ['add_business_days', '2015-10-14T21:54:00Z', 1, '2015-10-16T09:00:00Z'],
    ['add_business_days', '2010-04-10T12:33:00Z', 0, '2010-04-12T09:00:00Z'],
    ['add_business_days', '2010-04-09T12:33:00Z', 5, '2010-04-16T12:33:00Z'],
    ['subtract_business_days', '2010-04-10T11:00:00Z', 1, '2010-04-08T09:00:00Z'],
    ['subtract_business_days', '2010-04-10T03:00:00Z', 1, '2010-04-08T09:00:00Z'],
    ['subtract_business_days', '2015-10-14T01:54:00Z', 1, '2015-10-12T09:00:00Z'],
    ['subtract_business_days', '2015-10-14T21:54:00Z', 1, '2015-10-13T09:00:00Z'],
    ['subtract_business_days', '2016-01-30T12:33:00Z', 0, '2016-01-29T09:00:00Z'],
    ['add_business_days', '2010-04-13T11:00:00Z', -1, '2010-04-12T11:00:00Z'],
  ] as const)('%s from %s by %i', (kind, start, days, expected) => {
    expectCase({ kind, calendar: businessTimeCalendar(), start, days, expected, source: BUSINESS_TIME });
  });

  it('a holiday on a weekend changes nothing; one on a weekday is skipped (US Eastern)', () => {
    const calendar = { ...businessTimeCalendar(['2010-07-04']), timezone: 'America/New_York' };
    expectCase({
      kind: 'add_business_days',
      calendar,
      start: '2010-07-02T16:50:00-04:00',
      days: 1,
      expected: '2010-07-05T16:50:00-04:00',
      source: BUSINESS_TIME,
    });
    expectCase({
      kind: 'add_business_days',
      calendar: { ...calendar, holidays: ['2010-07-05'] },
      start: '2010-07-02T16:50:00-04:00',
      days: 1,
      expected: '2010-07-06T16:50:00-04:00',
      source: BUSINESS_TIME,
    });
  });
});

describe('Znuny conventions', () => {
  it('elapsed time of a swapped start and end is 0', () => {
    expectCase({
      kind: 'elapsed',
      calendar: { timezone: 'UTC', hours: { mon: [['08:00', '18:00']] }, recurring_holidays: [] },
      start: '2015-02-23T12:00:00+00:00',
      end: '2015-02-23T10:00:00+00:00',
      expected_seconds: 0,
      source: ZNUNY,
    });
  });
});

describe('errors', () => {
  it('unknown kind, missing fields', () => {
    expect(() => runCase({ id: 'x', kind: 'teleport' })).toThrow(/Unknown case kind "teleport"/);
    expect(() => runCase({ id: 'x', kind: 'add', calendar: { timezone: 'UTC', hours: {} } })).toThrow(
      /start/,
    );
  });
});
