import { describe, expect, it } from 'vitest';
import { fuzzApi } from './api-fuzz.ts';

/**
 * The API fuzzer's short run: a fixed seed, so a failure here replays exactly; the longer run
 * with a random seed is `npm run fuzz` (test/fuzz/main.ts).
 */
describe('every HTTP route, fuzzed from the contract with hostile variants', () => {
  it('answers every request below 500, and in time', async () => {
    const report = await fuzzApi({ seed: 20261206, runs: 400 });
    expect(report.failure, JSON.stringify(report.failure, null, 2)).toBeNull();
    expect(report.runs).toBe(400);
    // The runs reached past authentication and validation, not only 4xx at the door.
    expect(Object.keys(report.statuses).map(Number)).toEqual(
      expect.arrayContaining([200, 400, 401, 403, 404]),
    );
  });
});
