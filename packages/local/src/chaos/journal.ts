import { DatabaseSync, type StatementSync } from 'node:sqlite';

/** One event the local bus accepted (its archive, as an EventBridge archive would keep it). */
export interface ArchivedEvent {
  seq: number;
  /** When it was accepted (epoch ms, real time). */
  at: number;
  /** The id the bus gave it (a new one for every PutEvents entry, retries included). */
  busId: string;
  source: string;
  detailType: string;
  /** The publisher's deterministic `detail.eventId`: the same for every publication of one event. */
  eventId: string | null;
  ticketId: string | null;
  detail: string;
}

/** One fault the injector caused. */
export interface InjectedFault {
  at: number;
  service: string;
  operation: string;
  kind: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  bus_id TEXT NOT NULL,
  source TEXT NOT NULL,
  detail_type TEXT NOT NULL,
  event_id TEXT,
  ticket_id TEXT,
  detail TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS faults (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  service TEXT NOT NULL,
  operation TEXT NOT NULL,
  kind TEXT NOT NULL
);
`;

/**
 * What a chaos run needs to judge the system from outside: every event the bus accepted and
 * every fault injected, in SQLite (`chaos.db` in the data folder), written before the bus
 * answers and as each fault happens, so a SIGKILL loses none of it. Only written while the
 * runtime runs with `PSA_CHAOS`; a chaos run reads it, also while the runtime runs (WAL).
 */
export class ChaosJournal {
  private readonly db: DatabaseSync;
  private readonly insertEvent: StatementSync;
  private readonly insertFault: StatementSync;
  private open = true;

  constructor(file: string) {
    this.db = new DatabaseSync(file);
    this.db.exec('PRAGMA journal_mode = WAL');
    this.db.exec('PRAGMA synchronous = NORMAL');
    this.db.exec('PRAGMA busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.insertEvent = this.db.prepare(
      `INSERT INTO events (at, bus_id, source, detail_type, event_id, ticket_id, detail)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertFault = this.db.prepare(
      'INSERT INTO faults (at, service, operation, kind) VALUES (?, ?, ?, ?)',
    );
  }

  /** Archives accepted events, all of them or none. */
  events(
    envelopes: readonly { id: string; source: string; 'detail-type': string; detail: unknown }[],
    at = Date.now(),
  ): void {
    if (!this.open || envelopes.length === 0) return;
    this.db.exec('BEGIN');
    try {
      for (const e of envelopes) {
        const detail = (e.detail ?? {}) as { eventId?: unknown; ticketId?: unknown };
        this.insertEvent.run(
          at,
          e.id,
          e.source,
          e['detail-type'],
          typeof detail.eventId === 'string' ? detail.eventId : null,
          typeof detail.ticketId === 'string' ? detail.ticketId : null,
          JSON.stringify(e.detail ?? null),
        );
      }
      this.db.exec('COMMIT');
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  fault(service: string, operation: string, kind: string, at = Date.now()): void {
    if (this.open) this.insertFault.run(at, service, operation, kind);
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.db.close();
  }
}

/** Reads a chaos journal (a chaos run, while the runtime runs or after). */
export function readJournal(file: string): { events: ArchivedEvent[]; faults: InjectedFault[] } {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    const events = db
      .prepare(
        `SELECT seq, at, bus_id AS busId, source, detail_type AS detailType, event_id AS eventId,
                ticket_id AS ticketId, detail FROM events ORDER BY seq`,
      )
      .all() as unknown as ArchivedEvent[];
    const faults = db
      .prepare('SELECT at, service, operation, kind FROM faults ORDER BY seq')
      .all() as unknown as InjectedFault[];
    return { events, faults };
  } finally {
    db.close();
  }
}
