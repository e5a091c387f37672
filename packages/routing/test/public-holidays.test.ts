import { isHoliday } from '@psa/calendar/business-time';
import { DivisionOfWorkSchema } from '@psa/model/division-of-work';
import { defaultDivisionOfWork } from '@psa/model/division-of-work-default';
import { describe, expect, it } from 'vitest';
import { checkDocument } from '../src/document.ts';
import { describeChanges } from '../src/dow-changes.ts';
import { PUBLIC_HOLIDAY_YEARS } from '../src/public-holidays.ts';

const ctx = { tenantId: 'acme', nextVersion: 2, now: new Date('2026-03-01T12:00:00Z') };
const { version: _, effectiveFrom: __, ...edited } = defaultDivisionOfWork();

describe('a division of work saved with its public holidays resolved', () => {
  it('stores the US federal holidays of the years around its effective date', () => {
    const checked = checkDocument(edited, ctx);
    if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
    const dates = checked.document.internalCalendar.publicHolidayDates;
    expect(dates?.from).toBe(2026 - PUBLIC_HOLIDAY_YEARS.before);
    expect(dates?.to).toBe(2026 + PUBLIC_HOLIDAY_YEARS.after);
    expect(dates?.dates).toEqual(expect.arrayContaining(['2026-11-26', '2026-12-25', '2030-07-04']));
    expect(dates?.dates).not.toContain('2026-02-14');
    // The partner's 24x7 calendar names no public holidays, so it stores none.
    expect(checked.document.partnerCoverage.calendar).not.toHaveProperty('publicHolidayDates');
  });

  it('closes the same days once stored and read back as JSON', () => {
    const checked = checkDocument(edited, ctx);
    if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
    const stored = DivisionOfWorkSchema.parse(JSON.parse(JSON.stringify(checked.document)));
    const thanksgiving = new Date('2026-11-26T15:00:00Z');
    const dayAfter = new Date('2026-11-27T15:00:00Z');
    expect(isHoliday(stored.internalCalendar, thanksgiving)).toBe(true);
    expect(isHoliday(stored.internalCalendar, dayAfter)).toBe(false);
  });

  it('refuses a public-holiday country the library does not know, naming its path', () => {
    const doc = structuredClone(edited);
    doc.internalCalendar.publicHolidays = { country: 'XX' };
    const checked = checkDocument(doc, ctx);
    expect(checked.ok).toBe(false);
    expect(checked.ok ? [] : checked.issues).toContainEqual({
      path: 'internalCalendar.publicHolidays',
      message: 'Unknown public-holiday country "XX"',
    });
  });

  it('does not count the resolved dates as a change of the next version', () => {
    const first = checkDocument(edited, ctx);
    const again = checkDocument(edited, { ...ctx, now: new Date('2027-03-01T12:00:00Z'), nextVersion: 3 });
    if (!first.ok || !again.ok) throw new Error('not valid');
    expect(first.document.internalCalendar.publicHolidayDates).not.toEqual(
      again.document.internalCalendar.publicHolidayDates,
    );
    expect(describeChanges(first.document, again.document)).toEqual([]);
  });
});
