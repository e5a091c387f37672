import { type Calendar, type CalendarInput, CalendarSchema } from '../src/schema.ts';

export const H = 3_600_000;
export const M = 60_000;
export const at = (iso: string) => new Date(iso);
export const iso = (d: Date) => d.toISOString();
export const cal = (input: CalendarInput): Calendar => CalendarSchema.parse(input);
export const weekdays = (ranges: [string, string][]) => ({
  mon: ranges,
  tue: ranges,
  wed: ranges,
  thu: ranges,
  fri: ranges,
});
export const everyDay = (ranges: [string, string][]) => ({ ...weekdays(ranges), sat: ranges, sun: ranges });

export const NY_OFFICE = cal({ timeZone: 'America/New_York', hours: weekdays([['09:00', '17:00']]) });
