/** `YYYY-MM` of an instant in an IANA time zone. */
export function monthOf(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
  }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value;
  return `${get('year')}-${get('month')}`;
}

/** The month before `YYYY-MM`. */
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/**
 * The months a report or a replay may be asked for: `YYYY-MM` from 1970-01 to 2999-12. Every
 * ticket was received in that range, and it keeps month arithmetic (the month before, the one
 * after, a window's instants in a time zone) far from the years that date libraries and ISO 8601
 * cannot write (0000, 10000).
 */
export const FIRST_MONTH = '1970-01';
export const LAST_MONTH = '2999-12';
export const MONTH_MESSAGE = `month must be YYYY-MM, from ${FIRST_MONTH} to ${LAST_MONTH}`;

/** True for a `YYYY-MM` month in the range reports and replays accept. */
export function isMonth(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    /^\d{4}-(0[1-9]|1[0-2])$/.test(value) &&
    value >= FIRST_MONTH &&
    value <= LAST_MONTH
  );
}
