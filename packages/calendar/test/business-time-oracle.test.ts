import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { addBusinessTime, businessTimeBetween, isBusinessTime } from '../src/business-time.ts';
import type { CalendarInput } from '../src/schema.ts';
import { cal, everyDay, H, M, weekdays } from './support.ts';

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
