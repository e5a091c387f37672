/**
 * The single DynamoDB table's layout, declared once: the CDK app and the local runtime both
 * create the table from this, and every adapter builds keys through `keys`.
 *
 * | record            | pk                         | sk               |
 * |-------------------|----------------------------|------------------|
 * | tenant registry   | TENANTS                    | {tenant}         |
 * | division of work  | T#{tenant}                 | DOW#CURRENT / DOW#V#{000001} |
 * | ticket counter    | T#{tenant}                 | COUNTER#ticket   |
 * | ticket            | T#{tenant}#K#{ticket}      | TICKET           |
 * | ticket list entry | T#{tenant}#K#{ticket}      | TICKET#{list}#{000042} |
 * | SLA clock         | T#{tenant}#K#{ticket}      | SLA#{target}     |
 * | idempotency key   | T#{tenant}#IDEM#{key}      | IDEM             |
 * | month facts       | T#{tenant}#M#{yyyy-mm}     | F#{ticket}       |
 * | relief published  | T#{tenant}                 | RELIEF#{yyyy-mm} |
 * | digest sent       | T#{tenant}                 | DIGEST#{yyyy-mm} |
 * | pulse invitations | T#{tenant}                 | PULSE#{yyyy-mm}  |
 * | pulse answer      | T#{tenant}#PULSE#{yyyy-mm} | A#{email}        |
 * | pulse link        | PULSE#{sha256 of token}    | PULSE            |
 * | ticket message    | T#{tenant}#K#{ticket}      | MSG#{receivedAt}#{id}|
 * | support address   | ADDR#{address}             | ADDR             |
 * | inbound mail seen | T#{tenant}#MAIL#{hash}     | MAIL             |
 * | quarantined mail  | T#{tenant}#QUAR            | {receivedAt}#{id}|
 * | alert correlation | T#{tenant}#ALERT#{hash}    | ALERT            |
 * | auto-reply count  | T#{tenant}#ARL#{sender}#{hour} | ARL          |
 * | outbox dead letter| OUTBOX#DEAD                | {at}#{record}#{entry} |
 * | rate-limit bucket | RATE#{sha256 of the key}   | RATE             |
 *
 * Records that only matter for a while carry `expiresAt` (epoch seconds), the table's TTL
 * attribute: DynamoDB deletes them some time after (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html).
 */
/**
 * What a ticket-list index carries beside its keys: the ticket's id (the list reads the tickets
 * it names with one BatchGetItem) and the attributes its queries filter on. A ticket is written
 * several times on its way through the pipeline and DynamoDB pays an index write only when a
 * projected attribute or the index key changes, in the size of the projected entry: an index
 * that projected ALL paid the whole ticket (outbox, decision, history, description) again on
 * every write.
 */
const TICKET_LIST_ATTRIBUTES = ['id', 'owner', 'status'] as const;

export const TABLE_INDEXES = {
  /** Every ticket of a tenant, newest first. */
  tickets: { name: 'tickets-v2', pk: 'gsi1pk', sk: 'gsi1sk', include: TICKET_LIST_ATTRIBUTES },
  /** Tickets a partner may see (partner- and triage-owned). Sparse. */
  partnerVisible: { name: 'partner-v2', pk: 'gsi2pk', sk: 'gsi2sk', include: TICKET_LIST_ATTRIBUTES },
  /** A requester's own tickets. */
  requester: { name: 'requester-v2', pk: 'gsi3pk', sk: 'gsi3sk', include: TICKET_LIST_ATTRIBUTES },
  /**
   * Open, routed tickets per owner: backlog and overflow read this, never the whole table. Sparse.
   * Counted (the router's overflow) or followed to the tickets, so it carries only their id.
   */
  open: { name: 'open-v2', pk: 'openPk', sk: 'openSk', include: ['id'] },
  /** SLA clocks by due-time bucket: a sweep reads only what is due. Sparse. */
  due: { name: 'due', pk: 'duePk', sk: 'dueSk' },
  /**
   * Records with undelivered outbox entries, for the reconciler. Sparse. It carries only their
   * keys: an outbox entry is written with the record and removed on delivery, and an index holding
   * the outbox paid both in the outbox's size; the reconciler, which runs rarely, reads the
   * records' outboxes from the table.
   */
  outbox: { name: 'outbox-v2', pk: 'outboxPk', sk: 'outboxSk', include: [] },
  /**
   * Exact-match lookups: a ticket by its number, a message by its Message-ID (threading). Sparse.
   * It carries only the id it leads to (`id` of a ticket, `ticketId` of a message lookup).
   */
  lookup: { name: 'lookup', pk: 'lookupPk', sk: 'lookupSk', include: ['id', 'ticketId'] },
} as const;

export type TableIndex = (typeof TABLE_INDEXES)[keyof typeof TABLE_INDEXES];

/**
 * The indexes the ticket-list and outbox indexes replaced: the same keys, more attributes
 * projected. A GSI's projection cannot change in place, so the narrow ones came under new
 * names; a stage deployed before keeps these while it upgrades ({@link indexesAtUpgradeStep}),
 * and the stores read one of them while its successor does not exist yet or is still filling.
 */
export const RETIRED_INDEXES = {
  tickets: { name: 'gsi1', pk: 'gsi1pk', sk: 'gsi1sk' },
  partnerVisible: { name: 'gsi2', pk: 'gsi2pk', sk: 'gsi2sk' },
  requester: { name: 'gsi3', pk: 'gsi3pk', sk: 'gsi3sk' },
  open: { name: 'open', pk: 'openPk', sk: 'openSk' },
  outbox: { name: 'outbox', pk: 'outboxPk', sk: 'outboxSk', include: ['outbox', 'outboxAttempts'] },
} as const satisfies Partial<
  Record<keyof typeof TABLE_INDEXES, { name: string; pk: string; sk: string; include?: readonly string[] }>
>;

export type AnyIndex = TableIndex | (typeof RETIRED_INDEXES)[keyof typeof RETIRED_INDEXES];

/** The non-key attributes an index projects: every one, none, or only those it names. */
export type IndexProjection =
  | { type: 'ALL' }
  | { type: 'KEYS_ONLY' }
  | { type: 'INCLUDE'; attributes: readonly string[] };

export function projectionOf(index: AnyIndex): IndexProjection {
  if (!('include' in index)) return { type: 'ALL' };
  return index.include.length === 0 ? { type: 'KEYS_ONLY' } : { type: 'INCLUDE', attributes: index.include };
}

const RETIRED = Object.keys(RETIRED_INDEXES) as (keyof typeof RETIRED_INDEXES)[];
/** Steps of a deployed stage's upgrade to the narrow indexes: each adds or removes one GSI. */
export const INDEX_UPGRADE_STEPS = RETIRED.length * 2;

/**
 * The table's GSIs at step `step` (1 to {@link INDEX_UPGRADE_STEPS}) of a deployed stage's
 * upgrade; without a step, the finished state (only {@link TABLE_INDEXES}). CloudFormation creates
 * or deletes one GSI per table update (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTable.html),
 * so the steps first add each narrow index, then remove each retired one: at every step the
 * functions find an index to read for each.
 */
export function indexesAtUpgradeStep(step?: number): AnyIndex[] {
  const current = Object.values(TABLE_INDEXES) as TableIndex[];
  if (step === undefined || step >= INDEX_UPGRADE_STEPS) return current;
  if (!Number.isInteger(step) || step < 0)
    throw new Error(`index upgrade step must be 0 to ${INDEX_UPGRADE_STEPS}`);
  const added = new Set<string>(RETIRED.slice(0, step));
  const removed = new Set<string>(RETIRED.slice(0, Math.max(0, step - RETIRED.length)));
  const indexes: AnyIndex[] = (Object.entries(TABLE_INDEXES) as [string, TableIndex][])
    .filter(([k]) => !(k in RETIRED_INDEXES) || added.has(k))
    .map(([, index]) => index);
  for (const k of RETIRED) if (!removed.has(k)) indexes.push(RETIRED_INDEXES[k]);
  return indexes;
}

export const keys = {
  tenantRegistry: (tenantId: string) => ({ pk: 'TENANTS', sk: tenantId }),
  tenant: (tenantId: string) => `T#${tenantId}`,
  ticket: (tenantId: string, ticketId: string) => ({ pk: `T#${tenantId}#K#${ticketId}`, sk: 'TICKET' }),
  ticketPartition: (tenantId: string, ticketId: string) => `T#${tenantId}#K#${ticketId}`,
  /** An entry of a ticket's history or handoffs moved off the ticket item; they sort by position. */
  ticketListEntry: (tenantId: string, ticketId: string, list: string, index: number) => ({
    pk: `T#${tenantId}#K#${ticketId}`,
    sk: `TICKET#${list}#${String(index).padStart(6, '0')}`,
  }),
  ticketListEntryPrefix: 'TICKET#',
  sla: (tenantId: string, ticketId: string, target: string) => ({
    pk: `T#${tenantId}#K#${ticketId}`,
    sk: `SLA#${target}`,
  }),
  counter: (tenantId: string, name: string) => ({ pk: `T#${tenantId}`, sk: `COUNTER#${name}` }),
  idempotency: (tenantId: string, key: string) => ({ pk: `T#${tenantId}#IDEM#${key}`, sk: 'IDEM' }),
  monthFacts: (tenantId: string, month: string) => `T#${tenantId}#M#${month}`,
  ticketsIndex: (tenantId: string) => `T#${tenantId}#TICKETS`,
  partnerVisibleIndex: (tenantId: string) => `T#${tenantId}#PARTNER`,
  requesterIndex: (tenantId: string, email: string) => `T#${tenantId}#REQ#${email.toLowerCase()}`,
  openIndex: (tenantId: string, owner: string) => `T#${tenantId}#OPEN#${owner}`,
  /** Due buckets are one hour wide: a sweep reads the buckets between its last run and now. */
  dueBucket: (at: Date) => `DUE#${at.toISOString().slice(0, 13)}`,
  outboxPartition: 'OUTBOX',
  /** Outbox entries that failed every attempt, newest last; kept to be seen and redriven. */
  outboxDeadLetters: 'OUTBOX#DEAD',
  outboxDeadLetter: (at: string, record: string, entryId: string) => ({
    pk: 'OUTBOX#DEAD',
    sk: `${at}#${record}#${entryId}`,
  }),
  message: (tenantId: string, ticketId: string, receivedAt: string, id: string) => ({
    pk: `T#${tenantId}#K#${ticketId}`,
    sk: `MSG#${receivedAt}#${id}`,
  }),
  ticketNumberLookup: (tenantId: string, number: number) => `T#${tenantId}#N#${number}`,
  messageIdLookup: (tenantId: string, messageId: string) => `T#${tenantId}#MID#${messageId.toLowerCase()}`,
  ratingGrant: (tokenHash: string) => ({ pk: `RATE#${tokenHash}`, sk: 'RATE' }),
  pulseAnswers: (tenantId: string, month: string) => `T#${tenantId}#PULSE#${month}`,
  pulseGrant: (tokenHash: string) => ({ pk: `PULSE#${tokenHash}`, sk: 'PULSE' }),
  supportAddress: (address: string) => ({ pk: `ADDR#${address.toLowerCase()}`, sk: 'ADDR' }),
  inboundMail: (tenantId: string, hash: string) => ({ pk: `T#${tenantId}#MAIL#${hash}`, sk: 'MAIL' }),
  quarantine: (tenantId: string) => `T#${tenantId}#QUAR`,
  alert: (tenantId: string, hash: string) => ({ pk: `T#${tenantId}#ALERT#${hash}`, sk: 'ALERT' }),
  /** The key is hashed: it names a caller or a sender, whose length a key must not depend on. */
  rateLimit: (keyHash: string) => ({ pk: `RATE#${keyHash}`, sk: 'RATE' }),
  autoReplies: (tenantId: string, sender: string, hour: string) => ({
    pk: `T#${tenantId}#ARL#${sender.toLowerCase()}#${hour}`,
    sk: 'ARL',
  }),
};

/** Key schema and indexes in the shape both CreateTable and CDK's TableV2 need. */
export const TABLE_DEFINITION = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** The TTL attribute: epoch seconds after which DynamoDB may delete the item. */
  timeToLiveAttribute: 'expiresAt',
  indexes: Object.values(TABLE_INDEXES),
} as const;
