/** Parsing the wall-clock texts a calendar is written in (internal to @psa/calendar). */

/** The days of the week as calendars name them. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const MINUTE = 60_000;
export const DAY = 86_400_000;

/** JS `getUTCDay()` order: 0 = Sunday. */
export const WEEKDAYS_BY_JS_DAY: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const TIME_RE = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_DAY_RE = /^(\d{2})-(\d{2})$/;

/** Seconds since local midnight for 'HH:MM' or 'HH:MM:SS'; '24:00' is 86400. Undefined when malformed. */
export function parseTimeOfDay(value: string): number | undefined {
  const m = TIME_RE.exec(value);
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  const s = m[3] === undefined ? 0 : Number(m[3]);
  if (min > 59 || s > 59) return undefined;
  if (h === 24 && min === 0 && s === 0) return 86_400;
  if (h > 23) return undefined;
  return h * 3600 + min * 60 + s;
}

export function parseDateDay(value: string): number | undefined {
  const m = DATE_RE.exec(value);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d)
    return undefined;
  return ms / DAY;
}

export function parseMonthDay(value: string): number | undefined {
  const m = MONTH_DAY_RE.exec(value);
  if (!m) return undefined;
  const mo = Number(m[1]);
  const d = Number(m[2]);
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  return mo * 100 + d;
}
