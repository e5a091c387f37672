import { describe, expect, it } from 'vitest';
import { measureBacklog } from '../src/domain/backlog.ts';

const now = new Date('2026-12-07T12:00:00.000Z');
const entry = {};

describe('measureBacklog', () => {
  it('is empty with no records', () => {
    expect(measureBacklog([], now)).toEqual({ entries: 0, oldestAgeSeconds: 0 });
  });

  it('counts the entries the reconciler is in charge of and the age of the oldest', () => {
    const records = [
      { since: '2026-12-07T11:50:00.000Z', entries: [entry, entry] }, // 10 minutes old
      { since: '2026-12-07T11:59:00.000Z', entries: [entry] },
    ];
    expect(measureBacklog(records, now)).toEqual({ entries: 3, oldestAgeSeconds: 600 });
  });

  it('leaves out entries written within the grace period: their writer is still delivering them', () => {
    const records = [{ since: '2026-12-07T11:59:45.000Z', entries: [entry] }];
    expect(measureBacklog(records, now)).toEqual({ entries: 0, oldestAgeSeconds: 0 });
  });

  it('counts a record waiting for its retry (listed at the retry instant) without an age of its own', () => {
    const records = [{ since: '2026-12-07T12:04:00.000Z', entries: [entry, entry] }];
    expect(measureBacklog(records, now)).toEqual({ entries: 2, oldestAgeSeconds: 0 });
  });
});
