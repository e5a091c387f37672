import * as z from 'zod';
import { OwnerSchema, PrioritySchema, RoutingRuleSchema, TicketStatusSchema } from './ticket.ts';

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
  /** The routing rule that decided the owner (null on facts kept before it was recorded). */
  rule: RoutingRuleSchema.nullable().default(null),
  handleMinutes: z.number(),
  status: TicketStatusSchema,
  receivedAt: z.string(),
  firstRespondedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  sla: z.object({
    firstResponse: TargetOutcome.nullable(),
    resolution: TargetOutcome.nullable(),
    /** Every next-update period of the side holding the ticket: breached if any one was. */
    nextUpdate: TargetOutcome.nullable().default(null),
  }),
  /** Handoffs between the sides; a partner-to-internal one is an escalation (or a misroute). */
  handoffs: z
    .object({
      toInternal: z.number().int().nonnegative(),
      toPartner: z.number().int().nonnegative(),
      /** The handoff clocks: how fast the receiving side accepted each handoff. */
      acceptance: z.array(TargetOutcome),
    })
    .default({ toInternal: 0, toPartner: 0, acceptance: [] }),
  /** The requester's rating and the side it is attributed to (owner at resolution). */
  satisfaction: z
    .object({ rating: z.enum(['good', 'okay', 'bad']), owner: OwnerSchema.nullable() })
    .nullable()
    .optional(),
  /**
   * A monitoring-alert ticket: how many alert mails it folded (1 = the first only), and whether it
   * was closed without action: resolved with no reply or work note by either side and no handoff.
   * Null for every other ticket.
   */
  alert: z
    .object({ occurrences: z.number().int().positive(), closedWithoutAction: z.boolean() })
    .nullable()
    .default(null),
  /** Handoffs to internal IT made outside internal hours: interruptions of the team's evening. */
  afterHoursHandoffsToInternal: z.number().int().nonnegative().default(0),
  factVersion: z.number().int(),
});
export type TicketFact = z.infer<typeof TicketFactSchema>;

/** The open backlog at a moment: at a month's close it is that month's end and the next one's start. */
export interface BacklogSnapshot {
  takenAt: string;
  open: { partner: number; internal: number; triage: number };
  oldestInternal: { id: string; key: string; receivedAt: string } | null;
}

export interface ReportStore {
  /** Upsert unless a fact with a higher factVersion is stored. Returns whether it wrote. */
  putFact(fact: TicketFact): Promise<boolean>;
  listFacts(tenantId: string, month: string): Promise<TicketFact[]>;
  /**
   * A month's counters (`countFacts` of its facts, see month-counters.ts), kept beside the facts
   * and brought up to date by each `putFact`, so a large month reads as a few small items.
   */
  monthCounters(tenantId: string, month: string): Promise<Record<string, number>>;
  /**
   * Record that a month's relief report was published, with its event in the outbox, exactly
   * once. Returns where the event is kept, or null if the report was already recorded.
   */
  recordRelief(
    tenantId: string,
    month: string,
    outbox: import('./ports.ts').OutboxEntry[],
  ): Promise<import('./ports.ts').OutboxRef | null>;
  /**
   * Record that a month's digest was mailed, with its mails in the outbox, exactly once. Returns
   * where the mails are kept, or null if the digest was already recorded.
   */
  recordDigest(
    tenantId: string,
    month: string,
    outbox: import('./ports.ts').OutboxEntry[],
  ): Promise<import('./ports.ts').OutboxRef | null>;
  /** Whether a month's relief report was already published. */
  hasRelief(tenantId: string, month: string): Promise<boolean>;
  /** Keep the open backlog as a month closed; the first snapshot of a month stands. */
  saveBacklogSnapshot(tenantId: string, month: string, snapshot: BacklogSnapshot): Promise<void>;
  getBacklogSnapshot(tenantId: string, month: string): Promise<BacklogSnapshot | null>;
}
