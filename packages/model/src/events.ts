import * as z from 'zod';
import { currentCorrelation } from './correlation.ts';
import {
  ChannelSchema,
  MessageVisibilitySchema,
  OwnerSchema,
  PrioritySchema,
  RatingSchema,
  RoutingDecisionSchema,
  TenantIdSchema,
  TicketStatusSchema,
} from './ticket.ts';

/**
 * The event catalog: every event the services exchange on the bus, as a versioned contract.
 * Each is published and parsed through the same schema. EventBridge limits an entry to 256 KB
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html), so events
 * carry facts and ids, never ticket bodies.
 */
export interface EventContract<S extends z.ZodType = z.ZodType> {
  readonly source: string;
  readonly detailType: string;
  readonly schemaVersion: number;
  readonly schema: S;
}

const base = {
  schemaVersion: z.number().int(),
  /** Deterministic id: consumers and the outbox use it to recognise a redelivery. */
  eventId: z.string(),
  occurredAt: z.iso.datetime(),
  tenantId: TenantIdSchema,
  /**
   * The id of the request or email this event followed from (see ./correlation.ts), copied into
   * every event emitted in consequence. Optional, so adding it kept every contract at its version:
   * an event without it (published before it existed) is read as before.
   */
  correlationId: z.string().min(1).max(256).optional(),
};

function defineEvent<S extends z.ZodRawShape>(
  source: string,
  detailType: string,
  schemaVersion: number,
  shape: S,
): EventContract<z.ZodObject<typeof base & S>> {
  return { source, detailType, schemaVersion, schema: z.object({ ...base, ...shape }) };
}

export const SOURCES = {
  intake: 'psa.intake',
  router: 'psa.router',
  sla: 'psa.sla',
  reporting: 'psa.reporting',
} as const;

export const TicketReceived = defineEvent(SOURCES.intake, 'TicketReceived', 1, {
  ticketId: z.string(),
  number: z.number().int(),
  channel: ChannelSchema,
  receivedAt: z.iso.datetime(),
  ticketVersion: z.number().int(),
});

export const TicketRouted = defineEvent(SOURCES.router, 'TicketRouted', 1, {
  ticketId: z.string(),
  number: z.number().int(),
  owner: OwnerSchema,
  workload: z.string().nullable(),
  priority: PrioritySchema,
  afterHours: z.boolean(),
  receivedAt: z.iso.datetime(),
  routing: RoutingDecisionSchema,
  ticketVersion: z.number().int(),
});

export const TicketStatusChanged = defineEvent(SOURCES.intake, 'TicketStatusChanged', 1, {
  ticketId: z.string(),
  from: TicketStatusSchema,
  to: TicketStatusSchema,
  at: z.iso.datetime(),
  by: z.object({ role: z.string(), email: z.string().optional() }),
  owner: OwnerSchema.nullable(),
  ticketVersion: z.number().int(),
});

/** A ticket moved between the sides: the partner escalates a decision, internal delegates. */
export const TicketReassigned = defineEvent(SOURCES.intake, 'TicketReassigned', 1, {
  ticketId: z.string(),
  from: OwnerSchema,
  to: OwnerSchema,
  reason: z.string(),
  workload: z.string().nullable(),
  at: z.iso.datetime(),
  by: z.object({ role: z.string(), email: z.string().optional() }),
  ticketVersion: z.number().int(),
});

/**
 * What a clock measures: the first response, resolution, the owner's next update, or a handoff's
 * acceptance by the side that received the ticket.
 */
/** Someone changed a ticket's priority after routing; SLA dues are recomputed from it. */
export const TicketPriorityChanged = defineEvent(SOURCES.intake, 'TicketPriorityChanged', 1, {
  ticketId: z.string(),
  from: PrioritySchema,
  to: PrioritySchema,
  reason: z.string().optional(),
  at: z.iso.datetime(),
  by: z.object({ role: z.string(), email: z.string().optional() }),
  ticketVersion: z.number().int(),
});

export const SlaTargetSchema = z.enum(['firstResponse', 'resolution', 'nextUpdate', 'handoff']);
export type SlaTarget = z.infer<typeof SlaTargetSchema>;

const slaShape = {
  ticketId: z.string(),
  target: SlaTargetSchema,
  owner: OwnerSchema,
  priority: PrioritySchema,
  dueAt: z.iso.datetime(),
  targetMinutes: z.number(),
  elapsedBusinessMinutes: z.number(),
  /** Which clock of the ticket (e.g. `internal.resolution`, `internal.handoff.1`). */
  clock: z.string().optional(),
  /** Period of the clock: a next-update period, or a resolution period restarted by a reopen. */
  cycle: z.number().int().nonnegative().optional(),
};

export const SlaWarning = defineEvent(SOURCES.sla, 'SlaWarning', 1, {
  ...slaShape,
  threshold: z.number().min(0).max(1),
});

export const SlaBreached = defineEvent(SOURCES.sla, 'SlaBreached', 1, slaShape);

/** A target was completed within its due instant (reporting counts attainment from it). */
export const SlaMet = defineEvent(SOURCES.sla, 'SlaMet', 1, {
  ...slaShape,
  completedAt: z.iso.datetime(),
});

/**
 * A message was added to a ticket's conversation (a public reply, an internal or shared note, a
 * requester's message from the portal). Carries the facts, never the text: readers fetch the
 * conversation by API with their own visibility.
 */
export const TicketMessageAdded = defineEvent(SOURCES.intake, 'TicketMessageAdded', 1, {
  ticketId: z.string(),
  messageId: z.string(),
  visibility: MessageVisibilitySchema,
  by: z.object({ role: z.string(), email: z.string().optional() }),
  owner: OwnerSchema.nullable(),
  attachments: z.number().int().nonnegative(),
  at: z.iso.datetime(),
  ticketVersion: z.number().int(),
});

/** The requester rated a resolved ticket; attributed to the side that owned it at resolution. */
export const TicketRated = defineEvent(SOURCES.intake, 'TicketRated', 1, {
  ticketId: z.string(),
  rating: RatingSchema,
  owner: OwnerSchema.nullable(),
  workload: z.string().nullable(),
  resolvedAt: z.iso.datetime(),
  ratedAt: z.iso.datetime(),
});

/** A repeat of a monitoring alert was folded into its open ticket (reporting counts the occurrences). */
export const TicketAlertFolded = defineEvent(SOURCES.intake, 'TicketAlertFolded', 1, {
  ticketId: z.string(),
  occurrences: z.number().int().positive(),
  at: z.iso.datetime(),
  ticketVersion: z.number().int(),
});

export const MonthlyReliefReport = defineEvent(SOURCES.reporting, 'MonthlyReliefReport', 1, {
  month: z.string().regex(/^\d{4}-\d{2}$/),
  report: z.record(z.string(), z.unknown()),
});

export const EVENT_CATALOG = [
  TicketReceived,
  TicketRouted,
  TicketStatusChanged,
  TicketReassigned,
  TicketPriorityChanged,
  TicketMessageAdded,
  TicketRated,
  TicketAlertFolded,
  SlaWarning,
  SlaBreached,
  SlaMet,
  MonthlyReliefReport,
] as const;

export type EventDetail<E extends EventContract> = z.infer<E['schema']>;

/** An event ready for the bus: what EventBridge PutEvents takes. */
export interface BusEvent {
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
  time?: string;
}

/**
 * Build a bus event, validating the detail against its contract (fails loudly on drift). Built
 * inside a correlation scope, it carries the scope's correlation id unless the detail names one.
 */
export function toBusEvent<E extends EventContract>(
  contract: E,
  detail: Omit<EventDetail<E>, 'schemaVersion'>,
): BusEvent {
  const correlationId =
    (detail as { correlationId?: string }).correlationId ?? currentCorrelation()?.correlationId;
  const parsed = contract.schema.parse({
    ...detail,
    schemaVersion: contract.schemaVersion,
    ...(correlationId ? { correlationId } : {}),
  }) as Record<string, unknown>;
  return { source: contract.source, detailType: contract.detailType, detail: parsed };
}

/** The EventBridge envelope a rule target (Lambda) receives. */
export const EventBridgeEnvelopeSchema = z.object({
  version: z.string().optional(),
  id: z.string(),
  'detail-type': z.string(),
  source: z.string(),
  account: z.string().optional(),
  time: z.string(),
  region: z.string().optional(),
  resources: z.array(z.string()).optional(),
  detail: z.unknown(),
});
export type EventBridgeEnvelope = z.infer<typeof EventBridgeEnvelopeSchema>;

/** An event a consumer cannot read: not an EventBridge envelope, not a contract it takes, or drifted. */
export class EventContractError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventContractError';
  }
}

const issuesOf = (error: z.ZodError) =>
  error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');

/**
 * The one way a consumer reads an EventBridge event: the envelope is checked, the contract is
 * chosen by `source` and `detail-type` among those the consumer takes, the detail's
 * `schemaVersion` must be the contract's (a version-2 event is refused, never read as version 1),
 * and the detail is parsed with the contract's schema. Anything else throws an
 * EventContractError, which fails the invocation: Lambda retries it and then sends the event to
 * the function's failure queue, where the queue's alarm makes it seen.
 */
export function parseEvent<E extends EventContract>(contract: E, envelope: unknown): EventDetail<E>;
export function parseEvent<const C extends readonly EventContract[]>(
  contracts: C,
  envelope: unknown,
): EventDetail<C[number]>;
export function parseEvent(contracts: EventContract | readonly EventContract[], envelope: unknown): unknown {
  const accepted: readonly EventContract[] = 'schema' in contracts ? [contracts] : contracts;
  const parsed = EventBridgeEnvelopeSchema.safeParse(envelope);
  if (!parsed.success) {
    throw new EventContractError(`not an EventBridge event: ${issuesOf(parsed.error)}`, {
      cause: parsed.error,
    });
  }
  const { source, 'detail-type': detailType, detail } = parsed.data;
  const name = `${source}/${detailType}`;
  const contract = accepted.find((c) => c.source === source && c.detailType === detailType);
  if (!contract) {
    const expected = accepted.map((c) => `${c.source}/${c.detailType}`).join(', ');
    throw new EventContractError(`unexpected event ${name}: this consumer takes ${expected}`);
  }
  const version =
    typeof detail === 'object' && detail !== null
      ? (detail as { schemaVersion?: unknown }).schemaVersion
      : undefined;
  if (version !== contract.schemaVersion) {
    throw new EventContractError(
      `${name} has schemaVersion ${JSON.stringify(version) ?? 'missing'}; this consumer reads version ${contract.schemaVersion} only`,
    );
  }
  const result = contract.schema.safeParse(detail);
  if (!result.success) {
    throw new EventContractError(
      `${name} (schemaVersion ${contract.schemaVersion}) does not match its contract: ${issuesOf(result.error)}`,
      { cause: result.error },
    );
  }
  return result.data;
}
