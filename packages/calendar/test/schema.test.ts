import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  addBusinessTime,
  businessTimeBetween,
  isBusinessTime,
  isHoliday,
  nextBusinessMoment,
} from '../src/business-time.ts';
import { ALWAYS_OPEN, CalendarSchema } from '../src/schema.ts';
import { at, cal, H, iso } from './support.ts';

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

describe('the package', () => {
  const src = fileURLToPath(new URL('../src/', import.meta.url));
  /** The package's own modules a module loads, transitively. */
  function loads(file: string, seen = new Set<string>()): Set<string> {
    for (const { fileName } of ts.preProcessFile(readFileSync(join(src, file), 'utf8'), true, true)
      .importedFiles) {
      if (!fileName.startsWith('./')) continue;
      const next = join(dirname(file), fileName);
      if (!seen.has(next)) {
        seen.add(next);
        loads(next, seen);
      }
    }
    return seen;
  }

  it('gives the division of work its schema without the business-time maths', () => {
    expect([...loads('schema.ts')].sort()).toEqual([
      'holiday-lookup.ts',
      'public-holidays.ts',
      'resolved.ts',
      'wall-clock.ts',
    ]);
  });

  it('reads a saved calendar and counts business time without importing the holiday library', () => {
    for (const entry of ['resolved.ts', 'business-time.ts']) {
      const files = [entry, ...loads(entry)];
      expect(files, entry).not.toContain('public-holidays.ts');
      for (const file of files) {
        const imports = ts.preProcessFile(readFileSync(join(src, file), 'utf8'), true, true).importedFiles;
        expect(
          imports.map((i) => i.fileName),
          file,
        ).not.toContain('date-holidays');
      }
    }
  });

  it('keeps every module under 400 lines', () => {
    for (const file of ['schema.ts', ...loads('business-time.ts')]) {
      expect(readFileSync(join(src, file), 'utf8').split('\n').length, file).toBeLessThan(400);
    }
  });
});
