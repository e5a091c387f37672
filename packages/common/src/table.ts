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
 * | SLA clock         | T#{tenant}#K#{ticket}      | SLA#{target}     |
 * | idempotency key   | T#{tenant}#IDEM#{key}      | IDEM             |
 * | month facts       | T#{tenant}#M#{yyyy-mm}     | F#{ticket}       |
 * | relief published  | T#{tenant}                 | RELIEF#{yyyy-mm} |
 */
export const TABLE_INDEXES = {
  /** Every ticket of a tenant, newest first. */
  tickets: { name: 'gsi1', pk: 'gsi1pk', sk: 'gsi1sk' },
  /** Tickets a partner may see (partner- and triage-owned). Sparse. */
  partnerVisible: { name: 'gsi2', pk: 'gsi2pk', sk: 'gsi2sk' },
  /** A requester's own tickets. */
  requester: { name: 'gsi3', pk: 'gsi3pk', sk: 'gsi3sk' },
  /** Open, routed tickets per owner: backlog and overflow read this, never the whole table. Sparse. */
  open: { name: 'open', pk: 'openPk', sk: 'openSk' },
  /** SLA clocks by due-time bucket: a sweep reads only what is due. Sparse. */
  due: { name: 'due', pk: 'duePk', sk: 'dueSk' },
  /** Records with undelivered outbox entries, for the reconciler. Sparse. */
  outbox: { name: 'outbox', pk: 'outboxPk', sk: 'outboxSk' },
} as const;

export const keys = {
  tenantRegistry: (tenantId: string) => ({ pk: 'TENANTS', sk: tenantId }),
  tenant: (tenantId: string) => `T#${tenantId}`,
  ticket: (tenantId: string, ticketId: string) => ({ pk: `T#${tenantId}#K#${ticketId}`, sk: 'TICKET' }),
  ticketPartition: (tenantId: string, ticketId: string) => `T#${tenantId}#K#${ticketId}`,
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
};

/** Key schema and indexes in the shape both CreateTable and CDK's TableV2 need. */
export const TABLE_DEFINITION = {
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: Object.values(TABLE_INDEXES),
} as const;
