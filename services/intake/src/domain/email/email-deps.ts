import type { Logger } from '@aws-lambda-powertools/logger';
import type { ParsedMail } from '@psa/mime/types';
import type { Clock } from '@psa/model/clock';
import type { OutboxDeps } from '@psa/model/outbox';
import type { BlobStore, MailStore, MessageStore, TenantStore, TicketStore } from '@psa/model/ports';
import type { RateLimitDeps } from '../rate-limits.ts';

/** The ports email intake works with. */
export interface EmailDeps extends OutboxDeps, RateLimitDeps {
  tickets: TicketStore;
  tenants: TenantStore;
  messages: MessageStore;
  mail: MailStore;
  blobs: BlobStore;
  clock: Clock;
  logger: Pick<Logger, 'warn' | 'info'>;
}

/** What became of one received mail for one tenant. */
export type EmailOutcome =
  | { tenantId: string; outcome: 'created'; ticketId: string; acknowledged: boolean }
  | { tenantId: string; outcome: 'threaded' | 'folded' | 'noted'; ticketId: string }
  | { tenantId: string; outcome: 'duplicate'; previous: string | null }
  | { tenantId: string; outcome: 'quarantined'; reason: string };

/**
 * One received mail as the steps after parsing see it: the parsed message, where its raw bytes
 * are kept, and its content hash (which makes every id derived from it deterministic, so a
 * redelivered mail converges on the same ticket, message and acknowledgement).
 */
export interface Received {
  mail: ParsedMail;
  rawKey: string;
  hash: string;
}
