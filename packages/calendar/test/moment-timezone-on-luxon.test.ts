import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Holidays from 'date-holidays';
import { build } from 'esbuild';
import { DateTime } from 'luxon';
import realMoment from 'moment-timezone';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import moment from '../src/moment-timezone-on-luxon.ts';

const SHIM = fileURLToPath(new URL('../src/moment-timezone-on-luxon.ts', import.meta.url));
const YEARS = { from: 2025, to: 2038 };

type Library = typeof Holidays;
type Holiday = { date: string; start: Date; end: Date; name: string; type: string };

/** date-holidays bundled as the Lambda bundles carry it: `moment-timezone` aliased to the shim. */
async function bundledLibrary(dir: string): Promise<Library> {
  const entry = join(dir, 'entry.mjs');
  writeFileSync(entry, "export { default } from 'date-holidays';\n");
  const outfile = join(dir, 'holidays.mjs');
  await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'node',
    mainFields: ['module', 'main'],
    nodePaths: [fileURLToPath(new URL('../../../node_modules', import.meta.url))],
    alias: { 'moment-timezone': SHIM },
    outfile,
    logLevel: 'silent',
    metafile: true,
  }).then((result) => {
    const inputs = Object.keys(result.metafile.inputs);
    if (inputs.some((i) => i.includes('node_modules/moment'))) throw new Error('moment is still bundled');
  });
  return ((await import(pathToFileURL(outfile).href)) as { default: Library }).default;
}

const shown = (h: Holiday) => `${h.date} ${h.type} ${h.name}`;

/**
 * Whether moment-timezone's own zone data and the runtime's (ICU, which Luxon reads) give one of
 * `zones` different UTC offsets at `at`: the two tz database releases disagree there (e.g. a
 * country's later-announced clock change), not the code.
 */
function zoneDataDisagree(zones: readonly string[], at: Date): boolean {
  return zones.some(
    (zone) => realMoment.tz(at, zone).utcOffset() !== DateTime.fromJSDate(at, { zone }).offset,
  );
}

describe('date-holidays with moment-timezone replaced by Luxon (the Lambda bundles)', () => {
  let dir: string;
  let Bundled: Library;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'psa-holidays-'));
    Bundled = await bundledLibrary(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives every country the same holidays (dates, names, types; starts and ends but where the tz data releases differ), 2025-2038', () => {
    const countries = Object.keys(new Holidays().getCountries());
    expect(countries.length).toBeGreaterThan(150);
    let compared = 0;
    let instantsCompared = 0;
    for (const country of countries) {
      const real = new Holidays(country);
      const bundled = new Bundled(country);
      const zones = real.getTimezones();
      for (let year = YEARS.from; year <= YEARS.to; year++) {
        const expected = real.getHolidays(year) as Holiday[];
        const got = bundled.getHolidays(year) as Holiday[];
        expect(got.map(shown), `${country} ${year}`).toEqual(expected.map(shown));
        expected.forEach((h, i) => {
          for (const edge of ['start', 'end'] as const) {
            if (got[i]![edge].getTime() === h[edge].getTime()) instantsCompared++;
            else expect(zoneDataDisagree(zones, h[edge]), `${country} ${h.date} ${edge}`).toBe(true);
          }
        });
        compared += expected.length;
      }
    }
    expect(compared).toBeGreaterThan(30_000);
    expect(instantsCompared).toBeGreaterThan(2 * compared * 0.99);
  }, 120_000);

  it("gives Japan's equinox days, which read the equinox's local date in Asia/Tokyo", () => {
    const days = (new Bundled('JP').getHolidays(2027) as Holiday[])
      .filter((h) => /^(春分|秋分)の日$/.test(h.name))
      .map((h) => h.date.slice(0, 10));
    expect(days).toEqual(['2027-03-21', '2027-09-23']);
  });

  it('reads a wall-clock time in a zone, a time skipped by the clock change moving forward, as moment does', () => {
    expect(moment.tz('2026-07-01 14:00:00', 'Europe/Berlin').format()).toBe('2026-07-01T14:00:00+02:00');
    expect(moment.tz('2026-03-29 02:30:00', 'Europe/Berlin').format()).toBe('2026-03-29T03:30:00+02:00');
    const tokyo = moment('2027-03-20T21:30:00.000Z').tz('Asia/Tokyo');
    expect([tokyo.year(), tokyo.month(), tokyo.date()]).toEqual([2027, 2, 21]);
    const shanghai = moment('2027-03-20T15:59:00.000Z').utcOffset('+08:00');
    expect([shanghai.month(), shanghai.date(), shanghai.hours()]).toEqual([2, 20, 23]);
  });

  it('refuses a zone it does not know rather than guessing', () => {
    expect(() => moment.tz('2026-07-01 14:00:00', 'Mars/Olympus_Mons')).toThrow(/Mars\/Olympus_Mons/);
  });
});
