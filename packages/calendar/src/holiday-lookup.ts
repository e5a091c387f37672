/**
 * The public holidays of a calendar's choice, from a date-holidays constructor the caller has
 * (internal to @psa/calendar). Kept apart so that reading a saved calendar never imports the
 * library: ./public-holidays.ts passes the bundled one, ./compiled.ts one found at run time.
 */
import { createRequire } from 'node:module';
import type { PublicHolidayChoice, PublicHolidayLookup } from './resolved.ts';

export interface HolidayLibrary {
  new (
    country?: string,
    state?: string,
    region?: string,
  ): {
    getHolidays(year: number): { date: string; type: string }[];
  };
}

/** The closing local dates of a public-holiday choice, one year at a time, memoised per year. */
export function holidayLookup(Holidays: HolidayLibrary, choice: PublicHolidayChoice): PublicHolidayLookup {
  const { country, state, region } = choice;
  const holidays =
    state === undefined
      ? new Holidays(country)
      : region === undefined
        ? new Holidays(country, state)
        : new Holidays(country, state, region);
  const types = new Set(choice.types ?? ['public']);
  const byYear = new Map<number, string[]>();
  return (year) => {
    let dates = byYear.get(year);
    if (!dates) {
      // A partial-day holiday (Christmas Eve from 14:00) closes its whole date.
      dates = holidays
        .getHolidays(year)
        .filter((h) => types.has(h.type))
        .map((h) => h.date.slice(0, 10));
      byYear.set(year, dates);
    }
    return dates;
  };
}

/** Not a string literal, so a bundler leaves the library out: a Lambda bundle does not carry it. */
const LIBRARY = ['date', 'holidays'].join('-');
let installed: HolidayLibrary | null | undefined;

/**
 * The library where it is installed (tests, tools and the local runtime, run from the
 * repository), for a calendar that names public holidays without resolved dates (built from the
 * YAML, or saved before dates were stored). A Lambda bundle has no node_modules: undefined there.
 */
export function installedHolidayLibrary(): HolidayLibrary | undefined {
  if (installed === undefined) {
    try {
      installed = createRequire(import.meta.url)(LIBRARY) as HolidayLibrary;
    } catch {
      installed = null;
    }
  }
  return installed ?? undefined;
}
