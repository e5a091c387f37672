/** One record with undelivered outbox entries, as the backlog listing gives it (oldest first). */
export interface BacklogRecord {
  /** The record's place in the outbox index: when its entries were written, or when it is retried next. */
  since: string;
  entries: readonly unknown[];
}

export interface Backlog {
  /** Undelivered entries that the reconciler is, or will be, in charge of. */
  entries: number;
  /** Age of the oldest of them, in whole seconds; 0 when there are none. */
  oldestAgeSeconds: number;
}

/**
 * What is left for the reconciler after its run. Entries written less than `graceMs` ago are
 * left out: their writer is delivering them (the reconciler leaves them alone too). A record
 * waiting to be retried is listed at its retry instant, so it is counted but adds no age of its own.
 */
export function measureBacklog(records: readonly BacklogRecord[], now: Date, graceMs = 30_000): Backlog {
  const t = now.getTime();
  let entries = 0;
  let oldest = t;
  for (const record of records) {
    const since = Date.parse(record.since);
    if (since > t - graceMs && since <= t) continue;
    entries += record.entries.length;
    if (since < oldest) oldest = since;
  }
  return { entries, oldestAgeSeconds: Math.max(0, Math.floor((t - oldest) / 1000)) };
}
