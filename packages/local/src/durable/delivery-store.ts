import { DatabaseSync, type StatementSync } from 'node:sqlite';

/** How one delivery is retried and when it is given up (from the wiring's ASYNC_DELIVERY). */
export interface DeliveryPolicy {
  /** Invocations in all, the first included, before a failing delivery is dead-lettered. */
  maxAttempts: number;
  /** A delivery still pending this long after it was accepted is dead-lettered, not invoked. */
  maxAgeMs: number;
}

/** An asynchronous invocation to make: one target of an event, one received mail, one tick. */
export interface NewDelivery {
  /**
   * The queue it waits in: deliveries of a lane are started in the order they were accepted
   * (an EventBridge rule's target, the mail intake, a schedule).
   */
  lane: string;
  functionId: string;
  payload: unknown;
  policy: DeliveryPolicy;
  /** Not to be started before this instant (epoch ms); default: at once. */
  notBefore?: number;
}

/** A delivery accepted and not yet finished (succeeded or dead-lettered). */
export interface PendingDelivery {
  id: number;
  lane: string;
  functionId: string;
  /** The event, as JSON: each attempt parses its own copy, as each Lambda invocation does. */
  payload: string;
  /** When it was accepted (epoch ms). */
  acceptedAt: number;
  policy: DeliveryPolicy;
  /** Failed invocations so far. */
  attempts: number;
  /** Not to be started before this instant (epoch ms): the back-off after a failure. */
  notBefore: number;
  lastError: string | null;
}

interface Row {
  id: number;
  lane: string;
  function_id: string;
  payload: string;
  accepted_at: number;
  max_attempts: number;
  max_age_ms: number;
  attempts: number;
  not_before: number;
  last_error: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  lane TEXT NOT NULL,
  function_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  accepted_at INTEGER NOT NULL,
  max_attempts INTEGER NOT NULL,
  max_age_ms INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  not_before INTEGER NOT NULL,
  last_error TEXT
);
CREATE TABLE IF NOT EXISTS schedule_runs (
  schedule_id TEXT PRIMARY KEY,
  last_run_at INTEGER NOT NULL
);
`;

/**
 * The local runtime's durable record of asynchronous invocations, in SQLite (`node:sqlite`) under
 * the data folder: a row is written, in one transaction per batch, before the caller is told the
 * delivery was accepted (the PutEvents answer, the SMTP 250), and removed only once the target
 * returned or the delivery was dead-lettered. So whatever was pending when the process died is
 * pending again at the next start.
 *
 * WAL with `synchronous = NORMAL`: a commit reaches the operating system before the call returns,
 * so a killed process loses nothing; a power cut may lose the last commits, as it may lose
 * dynalite's (LevelDB writes without sync) in the same folder.
 */
export class DeliveryStore {
  private readonly db: DatabaseSync;
  private readonly insert: StatementSync;
  private readonly remove: StatementSync;
  private readonly reschedule: StatementSync;
  private readonly readRun: StatementSync;
  private readonly writeRun: StatementSync;
  private open = true;

  constructor(file: string) {
    this.db = new DatabaseSync(file);
    this.db.exec('PRAGMA journal_mode = WAL');
    this.db.exec('PRAGMA synchronous = NORMAL');
    this.db.exec('PRAGMA busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.insert = this.db.prepare(
      `INSERT INTO deliveries (lane, function_id, payload, accepted_at, max_attempts, max_age_ms, not_before)
       VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    );
    this.remove = this.db.prepare('DELETE FROM deliveries WHERE id = ?');
    this.reschedule = this.db.prepare(
      'UPDATE deliveries SET attempts = ?, not_before = ?, last_error = ? WHERE id = ?',
    );
    this.readRun = this.db.prepare('SELECT last_run_at FROM schedule_runs WHERE schedule_id = ?');
    this.writeRun = this.db.prepare(
      `INSERT INTO schedule_runs (schedule_id, last_run_at) VALUES (?, ?)
       ON CONFLICT (schedule_id) DO UPDATE SET last_run_at = excluded.last_run_at`,
    );
  }

  get isOpen(): boolean {
    return this.open;
  }

  /**
   * Records the deliveries (and whatever `alsoInTransaction` writes) in one transaction: all or
   * none of them are pending once this returns.
   */
  add(items: readonly NewDelivery[], now: number, alsoInTransaction?: () => void): PendingDelivery[] {
    return this.transaction(() => {
      alsoInTransaction?.();
      return items.map((item) => {
        const payload = JSON.stringify(item.payload);
        const notBefore = item.notBefore ?? now;
        const { id } = this.insert.get(
          item.lane,
          item.functionId,
          payload,
          now,
          item.policy.maxAttempts,
          item.policy.maxAgeMs,
          notBefore,
        ) as { id: number };
        return {
          id,
          lane: item.lane,
          functionId: item.functionId,
          payload,
          acceptedAt: now,
          policy: item.policy,
          attempts: 0,
          notBefore,
          lastError: null,
        };
      });
    });
  }

  /** Every pending delivery, oldest first. */
  pending(): PendingDelivery[] {
    const rows = this.db.prepare('SELECT * FROM deliveries ORDER BY id').all() as unknown as Row[];
    return rows.map((r) => ({
      id: r.id,
      lane: r.lane,
      functionId: r.function_id,
      payload: r.payload,
      acceptedAt: r.accepted_at,
      policy: { maxAttempts: r.max_attempts, maxAgeMs: r.max_age_ms },
      attempts: r.attempts,
      notBefore: r.not_before,
      lastError: r.last_error,
    }));
  }

  /** The delivery is finished: it succeeded, or its dead letter is written. */
  finish(id: number): void {
    this.remove.run(id);
  }

  /** A failed attempt: counted, and the next one not before `notBefore`. */
  retryLater(id: number, attempts: number, notBefore: number, error: string): void {
    this.reschedule.run(attempts, notBefore, error, id);
  }

  /** When the schedule last fired (epoch ms of the local clock), if ever. */
  lastRun(scheduleId: string): number | undefined {
    const row = this.readRun.get(scheduleId) as { last_run_at: number } | undefined;
    return row?.last_run_at;
  }

  recordRun(scheduleId: string, at: number): void {
    this.writeRun.run(scheduleId, at);
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.db.close();
  }

  private transaction<T>(work: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.db.exec('COMMIT');
      return result;
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }
}
