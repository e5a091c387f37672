/** Public holidays from date-holidays: which country/state/region exist, and which dates close (internal). */
import Holidays from 'date-holidays';
import { parseDateDay } from './wall-clock.ts';

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

/** A calendar's public holidays, with the closed local day numbers memoised per year. */
export interface PublicHolidaySource {
  holidays: Holidays;
  types: Set<string>;
  byYear: Map<number, Set<number>>;
}

export function publicHolidaySource(publicHolidays: {
  country: string;
  state?: string | undefined;
  region?: string | undefined;
  types?: string[] | undefined;
}): PublicHolidaySource {
  const { country, state, region } = publicHolidays;
  const problem = publicHolidayProblem(country, state, region);
  if (problem) throw new RangeError(problem);
  const holidays =
    state === undefined
      ? new Holidays(country)
      : region === undefined
        ? new Holidays(country, state)
        : new Holidays(country, state, region);
  return { holidays, types: new Set(publicHolidays.types ?? ['public']), byYear: new Map() };
}

export function publicHolidayDays(source: PublicHolidaySource, year: number): Set<number> {
  let set = source.byYear.get(year);
  if (!set) {
    set = new Set<number>();
    for (const h of source.holidays.getHolidays(year)) {
      if (!source.types.has(h.type)) continue;
      const day = parseDateDay(h.date.slice(0, 10));
      if (day !== undefined) set.add(day);
    }
    source.byYear.set(year, set);
  }
  return set;
}
