import { z } from 'zod';
import { OwnerSchema, PrioritySchema, TicketStatusSchema } from './ticket.ts';

const TargetOutcome = z.object({ met: z.boolean().nullable(), breached: z.boolean() });

/**
 * What reporting keeps of one ticket, in the partition of the month it was received (tenant
 * time zone). Upserted whole from the ticket's current state, guarded by `factVersion`, so a
 * redelivered or reordered event can neither double count nor roll a fact back.
 */
export const TicketFactSchema = z.object({
  tenantId: z.string(),
  ticketId: z.string(),
  key: z.string(),
  month: z.string(),
  owner: OwnerSchema,
  workload: z.string().nullable(),
  priority: PrioritySchema,
  afterHours: z.boolean(),
  handleMinutes: z.number(),
  status: TicketStatusSchema,
  receivedAt: z.string(),
  firstRespondedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  sla: z.object({ firstResponse: TargetOutcome.nullable(), resolution: TargetOutcome.nullable() }),
  factVersion: z.number().int(),
});
export type TicketFact = z.infer<typeof TicketFactSchema>;

export interface ReportStore {
  /** Upsert unless a fact with a higher factVersion is stored. Returns whether it wrote. */
  putFact(fact: TicketFact): Promise<boolean>;
  listFacts(tenantId: string, month: string): Promise<TicketFact[]>;
  /**
   * Record that a month's relief report was published, with its event in the outbox, exactly
   * once. Returns false if it already was.
   */
  recordRelief(tenantId: string, month: string, outbox: import('./ports.ts').OutboxEntry[]): Promise<boolean>;
}
