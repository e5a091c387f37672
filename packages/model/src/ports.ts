import type { BusEvent } from './events.ts';
import type { Owner, Ticket, TicketMessage, TicketStatus } from './ticket.ts';

/**
 * Ports: what domain code needs from the outside world. Domain code never imports an AWS SDK;
 * AWS adapters (and their emulator-backed local twins, which are the same adapters pointed at
 * loopback endpoints) implement these.
 */

/** Something to do after a state change: publish an event or send a queue message. */
export type OutboxEntry =
  | { id: string; kind: 'event'; event: BusEvent }
  | { id: string; kind: 'mail'; mail: OutgoingMail }
  | { id: string; kind: 'queue'; queue: QueueName; body: string; attributes: Record<string, string> };

/**
 * Which record carries an outbox of side effects written atomically with its state. Opaque: the
 * store that wrote the record makes it (it is what a write returns) and the outbox store reads
 * it; nothing else looks inside, so the domain never learns how records are keyed.
 */
export type OutboxRef = string & { readonly __brand: 'OutboxRef' };

export interface PendingOutbox {
  ref: OutboxRef;
  entries: OutboxEntry[];
  /** Failed reconciler deliveries so far, by entry id; an entry not named has none. */
  attempts?: Record<string, number>;
  /** Where the listing was; passed back as `after`, the next page starts behind this record. */
  position?: string;
}

/** An outbox entry that failed every delivery attempt, set aside so it holds up nothing else. */
export interface DeadLetter {
  ref: OutboxRef;
  entry: OutboxEntry;
  attempts: number;
  /** The last delivery error. */
  error: string;
  at: string;
}

export interface OutboxStore {
  /** Remove entries that were dispatched. Idempotent. */
  clear(ref: OutboxRef, entryIds: string[]): Promise<void>;
  /**
   * Records whose outbox still holds entries due before `olderThan` (for the reconciler), oldest
   * first; with `after` (a listed record's `position`), only the records behind that one.
   */
  listPending(olderThan: Date, limit: number, after?: string): Promise<PendingOutbox[]>;
  /**
   * Record failed attempts (the count so far of each entry that failed) and, given `retryAt`,
   * list the record again only once entries written then would be listed (null: keep its place);
   * a record whose outbox was cleared meanwhile is left alone.
   */
  defer(ref: OutboxRef, attempts: Record<string, number>, retryAt: Date | null): Promise<void>;
  /** Keep entries as dead letters and remove them from their record's outbox. Idempotent. */
  deadLetter(letters: DeadLetter[]): Promise<void>;
  /** Dead letters, newest first. */
  listDeadLetters(limit: number): Promise<DeadLetter[]>;
}

export interface TicketListQuery {
  tenantId: string;
  owner?: Owner | Owner[];
  requesterEmail?: string;
  status?: TicketStatus;
  limit: number;
  cursor?: string;
}

export interface TicketPage {
  items: Ticket[];
  nextCursor: string | null;
}

export interface TicketStore {
  /**
   * Next ticket number of a tenant: never a duplicate, increasing within one container; a crash,
   * a stopped container or numbers reserved by a concurrent one may leave gaps.
   */
  nextNumber(tenantId: string): Promise<number>;
  /**
   * Create; fails with ConflictError when the id exists. Outbox entries are written atomically;
   * returns where they are kept.
   */
  create(ticket: Ticket, outbox: OutboxEntry[]): Promise<OutboxRef>;
  get(tenantId: string, id: string): Promise<Ticket | null>;
  getByNumber(tenantId: string, number: number): Promise<Ticket | null>;
  /**
   * Replace the ticket if its stored version is `ticket.version - 1` (optimistic concurrency);
   * throws StaleWriteError otherwise. Outbox entries are written atomically with it; returns
   * where they are kept. `history` and `handoffs` only ever grow (entries are appended, never
   * changed or removed): a store may keep their older entries apart and relies on that.
   * `settled` names entries of the ticket's outbox known to be delivered (the event this write
   * answers): the same write removes them, so their writer need not clear them itself.
   */
  update(ticket: Ticket, outbox: OutboxEntry[], settled?: readonly string[]): Promise<OutboxRef>;
  list(query: TicketListQuery): Promise<TicketPage>;
  /** Open, routed tickets of one owner, oldest first. Reads an index of open tickets only. */
  listOpen(tenantId: string, owner: Owner): Promise<Ticket[]>;
  /**
   * Open tickets of one owner, counting no further than `atMost` when given: the router only
   * needs to know whether the backlog is over the overflow limit, so its cost stays bounded.
   */
  countOpen(tenantId: string, owner: Owner, atMost?: number): Promise<number>;
}

/** Maps a caller-supplied idempotency key to the ticket id it created. */
export interface IdempotencyStore {
  /** Claim `key` for `ticketId`; returns the id already holding the key if it was claimed before. */
  claim(
    tenantId: string,
    key: string,
    ticketId: string,
    fingerprint: string,
  ): Promise<{ claimed: true } | { claimed: false; ticketId: string; fingerprint: string }>;
}

export interface EventBus {
  publish(events: BusEvent[]): Promise<void>;
}

export type QueueName = 'partner' | 'internal' | 'triage';

export interface QueueMessage {
  body: string;
  attributes: Record<string, string>;
}

export interface Queue {
  send(queue: QueueName, message: QueueMessage): Promise<void>;
}

export interface BlobStore {
  put(key: string, body: Uint8Array | string, contentType?: string): Promise<void>;
  get(key: string): Promise<Uint8Array | null>;
}

export interface TenantStore {
  /** The tenant's current division of work, or null for an unknown tenant. */
  getDivisionOfWork(tenantId: string): Promise<import('./division-of-work.ts').DivisionOfWork | null>;
  /**
   * Whether the tenant exists (has a division of work). A tenant is never removed, so a store may
   * remember a yes for as long as it lives.
   */
  exists(tenantId: string): Promise<boolean>;
  /**
   * Store a new version (and make it current); ConflictError if that version exists, or if one of
   * its support addresses is registered to another tenant. `change` records who published it.
   */
  putDivisionOfWork(
    dow: import('./division-of-work.ts').DivisionOfWork,
    change?: DivisionOfWorkChange,
  ): Promise<void>;
  listTenants(): Promise<string[]>;
  /** Every stored version's history entry, newest first (documents are not read into memory). */
  listVersions(tenantId: string): Promise<DivisionOfWorkVersionInfo[]>;
  /** One stored version with its history entry, or null when the tenant has no such version. */
  getVersion(
    tenantId: string,
    version: number,
  ): Promise<{
    info: DivisionOfWorkVersionInfo;
    document: import('./division-of-work.ts').DivisionOfWork;
  } | null>;
}

/** Who published a division-of-work version, when, and what changed from the one before. */
export interface DivisionOfWorkChange {
  changedBy: string;
  changedAt: string;
  summary: string[];
  /** Why, in the publisher's words (the editor asks for it when saving); absent when none was given. */
  note?: string;
}

/** A division-of-work version's history entry. Versions seeded without a change read as nulls. */
export interface DivisionOfWorkVersionInfo {
  version: number;
  effectiveFrom: string;
  changedBy: string | null;
  changedAt: string | null;
  summary: string[];
  /** The publisher's note, when one was given. */
  note?: string;
}

/** An email the system sends (acknowledgements, notifications). Always `Auto-Submitted`. */
export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  /** An HTML alternative of `text` (the monthly digest); the text part always goes too. */
  html?: string;
  /** Without angle brackets; the sender records it so replies thread. */
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  /**
   * Files to attach, by reference to the blob store where the ticket keeps them: an outbox entry
   * lives in a table item (400 KB), so the bytes are read when the mail is sent, not stored in it.
   */
  attachments?: MailAttachmentRef[];
}

/** A stored file a mail carries as an attachment. */
export interface MailAttachmentRef {
  filename: string;
  contentType: string;
  blobKey: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
}

export interface MessageStore {
  /** Add a message to a ticket; idempotent on the message id. Registers its Message-ID for threading. */
  add(tenantId: string, ticketId: string, message: TicketMessage): Promise<void>;
  list(tenantId: string, ticketId: string): Promise<TicketMessage[]>;
  /** The ticket a Message-ID (received or sent) belongs to. */
  ticketForMessageId(tenantId: string, messageId: string): Promise<string | null>;
  /**
   * The tickets of several Message-IDs at once (keyed by the id as given; ids of no ticket are
   * absent). Callers bound how many they ask for: a store may look each one up.
   */
  ticketsForMessageIds(tenantId: string, messageIds: readonly string[]): Promise<Map<string, string>>;
  /** Register a Message-ID (e.g. of an acknowledgement sent) as belonging to a ticket. */
  registerMessageId(tenantId: string, messageId: string, ticketId: string): Promise<void>;
}

export interface QuarantinedMail {
  id: string;
  tenantId: string;
  receivedAt: string;
  reason: string;
  rawKey: string;
  from: string | null;
  subject: string | null;
  status: 'quarantined' | 'reprocessed';
}

export interface MailStore {
  /** The tenant a support address belongs to (plus-addressing already stripped). */
  tenantForAddress(address: string): Promise<string | null>;
  registerAddress(address: string, tenantId: string): Promise<void>;
  /** Record an inbound mail by its dedupe key; returns the earlier outcome if it was seen before. */
  markSeen(
    tenantId: string,
    hash: string,
  ): Promise<{ first: true } | { first: false; outcome: string | null }>;
  recordOutcome(tenantId: string, hash: string, outcome: string): Promise<void>;
  quarantine(mail: QuarantinedMail): Promise<void>;
  listQuarantine(
    tenantId: string,
    limit: number,
    cursor?: string,
  ): Promise<{ items: QuarantinedMail[]; nextCursor: string | null }>;
  getQuarantined(tenantId: string, id: string): Promise<QuarantinedMail | null>;
  markReprocessed(tenantId: string, id: string): Promise<void>;
  /** The open ticket an alert correlation key points at, if seen within the window. */
  getAlert(tenantId: string, hash: string): Promise<{ ticketId: string; lastAt: string } | null>;
  putAlert(tenantId: string, hash: string, ticketId: string, lastAt: string): Promise<void>;
  /** Count one auto-reply to `sender` in `hour`; false when the limit is already reached. */
  takeAutoReply(tenantId: string, sender: string, hour: string, limit: number): Promise<boolean>;
}

/** A tenant's learned classifier: trained on its labelled ticket history. */
export interface ModelRecord {
  tenantId: string;
  version: number;
  trainedAt: string;
  examples: number;
  /** History label -> workload id (labels mapping to no workload are learned but never route). */
  labelMap: Record<string, string | null>;
  /** Cross-validated quality on the imported history. */
  metrics: { accuracy: number; macroF1: number; folds: number };
  /** The serialised model (the router's classifier format). */
  model: string;
}

export interface ModelStore {
  current(tenantId: string): Promise<Omit<ModelRecord, 'model'> | null>;
  load(tenantId: string, version: number): Promise<string | null>;
  save(record: ModelRecord): Promise<void>;
}
