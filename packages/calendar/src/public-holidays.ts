/**
 * Public holidays from date-holidays (with its astronomy and time-zone data, most of a megabyte):
 * which country/state/region exist, and which dates close. Only where a calendar is written (the
 * division of work is saved, a test or a tool builds one) is this loaded; everything that reads a
 * saved calendar uses the dates resolved here (./resolved.ts).
 */
import Holidays from 'date-holidays';
import { type HolidayLibrary, holidayLookup } from './holiday-lookup.ts';
import type { Calendar, PublicHolidayChoice, PublicHolidayLookup } from './resolved.ts';

let holidayCatalogue: Holidays | undefined;
function catalogue(): Holidays {
  holidayCatalogue ??= new Holidays();
  return holidayCatalogue;
}

function hasKey(record: Record<string, string> | undefined, key: string): boolean {
  if (!record) return false;
  const wanted = key.toUpperCase();
  return Object.keys(record).some((k) => k.toUpperCase() === wanted);
}

/** Checks a date-holidays country/state/region triple; returns an error message or undefined. */
export function publicHolidayProblem(country: string, state?: string, region?: string): string | undefined {
  const cat = catalogue();
  if (!hasKey(cat.getCountries(), country)) return `Unknown public-holiday country "${country}"`;
  if (state !== undefined && !hasKey(cat.getStates(country), state)) {
    return `Unknown public-holiday state "${state}" for country "${country}"`;
  }
  if (region !== undefined) {
    if (state === undefined) return 'A public-holiday region needs a state';
    if (!hasKey(cat.getRegions(country, state), region)) {
      return `Unknown public-holiday region "${region}" for "${country}-${state}"`;
    }
  }
  return undefined;
}

/** The closing local dates of a public-holiday choice, one year at a time, memoised per year. */
export function publicHolidayLookup(choice: PublicHolidayChoice): PublicHolidayLookup {
  const problem = publicHolidayProblem(choice.country, choice.state, choice.region);
  if (problem) throw new RangeError(problem);
  return holidayLookup(Holidays as unknown as HolidayLibrary, choice);
}

/**
 * The calendar with its public holidays resolved to the dates of the years `from` to `to`
 * (inclusive), ready to be saved; a calendar without public holidays loses any stale dates.
 */
export function resolvePublicHolidays(calendar: Calendar, years: { from: number; to: number }): Calendar {
  const { publicHolidayDates: _stale, ...rest } = calendar;
  if (!calendar.publicHolidays) return rest;
  const lookup = publicHolidayLookup(calendar.publicHolidays);
  const dates: string[] = [];
  for (let year = years.from; year <= years.to; year++) dates.push(...new Set(lookup(year)));
  return { ...rest, publicHolidayDates: { from: years.from, to: years.to, dates } };
}
