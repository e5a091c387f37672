import { publicHolidayProblem, resolvePublicHolidays } from '@psa/calendar/public-holidays';
import type { Calendar } from '@psa/calendar/resolved';
import type { DivisionOfWork } from '@psa/model/division-of-work';

/**
 * Public holidays are resolved once, when a division of work is saved: the years from two before
 * its effective date (replays and reports of recent months) to ten after (every SLA clock and
 * routing decision while the version is in force). Only the function that saves a division of
 * work loads the holiday library; routing, SLAs and reports read these dates.
 */
export const PUBLIC_HOLIDAY_YEARS = { before: 2, after: 10 } as const;

const CALENDAR_PATHS = [['internalCalendar'], ['partnerCoverage', 'calendar']] as const;

const field = (value: unknown, key: string): unknown =>
  value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * Public-holiday choices the holiday library does not know, by JSON path, in a document as
 * written (whatever else is wrong with it, as the calendar schema reports them).
 */
export function publicHolidayIssues(doc: unknown): { path: string; message: string }[] {
  return CALENDAR_PATHS.flatMap((path) => {
    const choice = field(path.reduce<unknown>(field, doc), 'publicHolidays');
    const country = text(field(choice, 'country'));
    if (country === undefined) return [];
    const problem = publicHolidayProblem(
      country,
      text(field(choice, 'state')),
      text(field(choice, 'region')),
    );
    return problem ? [{ path: `${path.join('.')}.publicHolidays`, message: problem }] : [];
  });
}

/** The document with both calendars' public holidays resolved for {@link PUBLIC_HOLIDAY_YEARS} around its effective date. */
export function resolveDivisionOfWorkHolidays(doc: DivisionOfWork): DivisionOfWork {
  const year = new Date(doc.effectiveFrom).getUTCFullYear();
  const years = { from: year - PUBLIC_HOLIDAY_YEARS.before, to: year + PUBLIC_HOLIDAY_YEARS.after };
  const resolve = (calendar: Calendar) => resolvePublicHolidays(calendar, years);
  return {
    ...doc,
    internalCalendar: resolve(doc.internalCalendar),
    partnerCoverage: { ...doc.partnerCoverage, calendar: resolve(doc.partnerCoverage.calendar) },
  };
}
