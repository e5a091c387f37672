import { record } from './figures.ts';

/** Percentile of sorted samples (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The unit a `report()` key names by its suffix (`p99ms`, `acceptedPerSec`, `gzipKB`). */
export function unitOf(key: string): string {
  if (/ms$/i.test(key)) return 'ms';
  if (/PerSec$/.test(key)) return '1/s';
  if (/KB$/.test(key)) return 'KB';
  if (/MB$/.test(key)) return 'MB';
  return 'count';
}

/** Prints one line of figures and records each number as `<name>: <key>` (see ./figures.ts). */
export function report(name: string, figures: Record<string, number | string>): void {
  const parts = Object.entries(figures).map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toFixed(3) : v}`);
  console.log(`${name.padEnd(34)} ${parts.join('  ')}`);
  for (const [key, value] of Object.entries(figures)) {
    if (typeof value === 'number') record(`${name}: ${key}`, value, unitOf(key));
  }
}
