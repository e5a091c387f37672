import type { Cell, CellFormat, Status } from './model.ts';

export const OWNER_NAMES: Record<string, string> = {
  partner: 'MSP partner',
  internal: 'Internal IT',
  triage: 'Triage',
};

export const STATUS_TEXT: Record<Status, string> = {
  green: 'on target',
  amber: 'close to target',
  red: 'below target',
  none: 'no data',
};

export const percent = (v: number | null | undefined) =>
  v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)}%`;
export const hours = (v: number | null | undefined) =>
  v === null || v === undefined ? '–' : `${v.toFixed(1)} h`;

/** A month as people say it: "November 2026". */
export function monthName(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, 1)).toLocaleDateString('en-US', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}
export function shortMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, 1)).toLocaleDateString('en-US', {
    month: 'short',
    year: '2-digit',
    timeZone: 'UTC',
  });
}

/** A signed change: "+5.0 points", "−1.5 h", "no change". */
export function change(v: number | null | undefined, unit: 'points' | 'hours'): string {
  if (v === null || v === undefined) return 'no figure for the month before';
  if (v === 0) return 'no change';
  const sign = v > 0 ? '+' : '−';
  const size = Math.abs(v);
  return unit === 'points' ? `${sign}${(size * 100).toFixed(1)} points` : `${sign}${size.toFixed(1)} h`;
}

export function formatCell(v: Cell, format: CellFormat): string {
  if (v === null) return '–';
  if (typeof v === 'string') return format === 'datetime' ? v.replace('T', ' ').slice(0, 16) : v;
  switch (format) {
    case 'share':
      return percent(v);
    case 'hours':
      return hours(v);
    case 'minutes':
      return `${v} min`;
    default:
      return v.toLocaleString('en-US');
  }
}

/** The current month in a time zone, YYYY-MM. */
export function monthIn(timeZone: string, at = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
  }).formatToParts(at);
  return `${parts.find((p) => p.type === 'year')!.value}-${parts.find((p) => p.type === 'month')!.value}`;
}
