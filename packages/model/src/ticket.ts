import * as z from 'zod';

export const TenantIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'tenant id: 2-63 lower-case letters, digits or dashes');
export type TenantId = z.infer<typeof TenantIdSchema>;

export const OwnerSchema = z.enum(['partner', 'internal', 'triage']);
export type Owner = z.infer<typeof OwnerSchema>;

export const PrioritySchema = z.enum(['P1', 'P2', 'P3', 'P4']);
export type Priority = z.infer<typeof PrioritySchema>;

export const ChannelSchema = z.enum(['email', 'web', 'api']);
export type Channel = z.infer<typeof ChannelSchema>;

export const TicketStatusSchema = z.enum([
  'new',
  'acknowledged',
  'in_progress',
  'waiting_on_customer',
  'resolved',
  'closed',
  'reopened',
]);
export type TicketStatus = z.infer<typeof TicketStatusSchema>;

/** Statuses a caller may set through the lifecycle API (`new` is only ever the first). */
export const SettableStatusSchema = TicketStatusSchema.exclude(['new']);

export const OPEN_STATUSES: ReadonlySet<TicketStatus> = new Set([
  'new',
  'acknowledged',
  'in_progress',
  'waiting_on_customer',
  'reopened',
]);
export const isOpenStatus = (s: TicketStatus): boolean => OPEN_STATUSES.has(s);

export const RequesterSchema = z.object({
  email: z
    .email()
    .max(254)
    .transform((e) => e.toLowerCase()),
  name: z.string().trim().max(200).optional(),
});
export type Requester = z.infer<typeof RequesterSchema>;

export const RoutingRuleSchema = z.enum([
  'guardrail',
  'vip',
  'workload-owner',
  'after-hours',
  'overflow',
  'triage',
]);
export type RoutingRule = z.infer<typeof RoutingRuleSchema>;

export const RoutingDecisionSchema = z.object({
  rule: RoutingRuleSchema,
  reasons: z.array(z.string()).min(1),
  confidence: z.number().min(0).max(1),
  divisionOfWorkVersion: z.number().int().positive(),
  runnerUp: z.object({ workload: z.string(), confidence: z.number() }).nullable(),
  flags: z.object({
    guardrail: z.boolean(),
    vip: z.boolean(),
    afterHours: z.boolean(),
    overflow: z.boolean(),
    triage: z.boolean(),
  }),
  decidedAt: z.iso.datetime(),
});
export type RoutingDecision = z.infer<typeof RoutingDecisionSchema>;

export const StatusChangeSchema = z.object({
  from: TicketStatusSchema,
  to: TicketStatusSchema,
  at: z.iso.datetime(),
  by: z.object({ role: z.string(), email: z.string().optional() }),
  note: z.string().optional(),
});
export type StatusChange = z.infer<typeof StatusChangeSchema>;

/** The ticket as stored and as the API returns it (minus `sla`, which the SLA service owns). */
export const TicketSchema = z.object({
  tenantId: TenantIdSchema,
  id: z.string(),
  number: z.number().int().positive(),
  /** Human token, e.g. `ACME-1042`; used in email subjects for threading. */
  key: z.string(),
  /** At most {@link SUBJECT_EXCERPT_BYTES} of the subject; the rest is at `fullTextKey`. */
  subject: z.string(),
  /** At most {@link BODY_EXCERPT_BYTES} of the body; routing reads this, the API the full text. */
  body: z.string(),
  /**
   * Blob key of the full subject and body (JSON `{ subject, body }`) when either was longer than
   * its excerpt above; absent or null when `subject` and `body` are the whole text.
   */
  fullTextKey: z.string().nullable().optional(),
  channel: ChannelSchema,
  requester: RequesterSchema,
  /** Priority the requester or an alert asked for; overrides the workload default. */
  requestedPriority: PrioritySchema.nullable(),
  status: TicketStatusSchema,
  owner: OwnerSchema.nullable(),
  workload: z.string().nullable(),
  priority: PrioritySchema.nullable(),
  afterHours: z.boolean().nullable(),
  routing: RoutingDecisionSchema.nullable(),
  /** Estimated handle minutes of the workload (relief metrics). */
  handleMinutes: z.number().int().nonnegative().nullable(),
  receivedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  firstRespondedAt: z.iso.datetime().nullable(),
  resolvedAt: z.iso.datetime().nullable(),
  history: z.array(StatusChangeSchema),
  /** Where answers go when it differs from the requester (an email's Reply-To). */
  replyTo: z.string().nullable(),
  /** Handoffs between the sides, oldest first (escalations to internal, delegations to partner). */
  handoffs: z.array(
    z.object({
      from: OwnerSchema,
      to: OwnerSchema,
      reason: z.string(),
      at: z.iso.datetime(),
      by: z.object({ role: z.string(), email: z.string().optional() }),
    }),
  ),
  /**
   * The requester's rating of its resolution, attributed to the side that owned the ticket when
   * it was resolved. One per ticket; absent or null until rated.
   */
  satisfaction: z
    .object({
      rating: z.enum(['good', 'okay', 'bad']),
      comment: z.string().nullable(),
      owner: OwnerSchema.nullable(),
      workload: z.string().nullable(),
      resolvedAt: z.iso.datetime(),
      ratedAt: z.iso.datetime(),
    })
    .nullable()
    .optional(),
  /** Folded repeats of a monitoring alert (1 for an ordinary ticket). */
  occurrences: z.number().int().positive(),
  /**
   * The alert rule (division of work, `emailIntake.alertRules`) a monitoring-alert ticket was
   * opened by; absent or null for every other ticket (and for alerts stored before it was kept).
   */
  alert: z.object({ rule: z.string() }).nullable().optional(),
  /** Optimistic-concurrency version; every write increments it. */
  version: z.number().int().positive(),
});
export type Ticket = z.infer<typeof TicketSchema>;

/**
 * What a ticket record keeps of its text, in UTF-8 bytes. A record must stay far below
 * DynamoDB's 400 KB item limit (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html)
 * with its outbox (a queue message repeats the excerpts), so text beyond these lives in the blob
 * store and the record keeps its beginning. 2 KiB is twice the longest line RFC 5322 allows in
 * a subject; 16 KiB holds the whole of almost every request and all routing needs of the rest.
 */
export const SUBJECT_EXCERPT_BYTES = 2 * 1024;
export const BODY_EXCERPT_BYTES = 16 * 1024;

const utf8 = new TextEncoder();

/** The longest beginning of `text` that is at most `maxBytes` in UTF-8; never splits a character. */
export function utf8Excerpt(text: string, maxBytes: number): string {
  // Each UTF-16 unit is 1 to 3 bytes, so short text needs no measuring.
  if (text.length * 3 <= maxBytes) return text;
  const { read } = utf8.encodeInto(text.slice(0, maxBytes + 1), new Uint8Array(maxBytes));
  return text.slice(0, read);
}

/** Ticket key shown to people: tenant prefix and number. */
export const ticketKey = (tenantId: string, number: number): string =>
  `${tenantId.replace(/-/g, '').slice(0, 8).toUpperCase()}-${number}`;

/** The lifecycle: which status may follow which. */
const TRANSITIONS: Record<TicketStatus, readonly TicketStatus[]> = {
  new: ['acknowledged', 'in_progress', 'waiting_on_customer', 'resolved', 'closed'],
  acknowledged: ['in_progress', 'waiting_on_customer', 'resolved', 'closed'],
  in_progress: ['acknowledged', 'waiting_on_customer', 'resolved', 'closed'],
  waiting_on_customer: ['in_progress', 'acknowledged', 'resolved', 'closed'],
  resolved: ['closed', 'reopened'],
  closed: ['reopened'],
  reopened: ['acknowledged', 'in_progress', 'waiting_on_customer', 'resolved', 'closed'],
};

export const canTransition = (from: TicketStatus, to: TicketStatus): boolean =>
  TRANSITIONS[from].includes(to);

/** Statuses that count as the first response to the requester. */
export const RESPONDED_STATUSES: ReadonlySet<TicketStatus> = new Set([
  'acknowledged',
  'in_progress',
  'waiting_on_customer',
  'resolved',
  'closed',
]);

export const AttachmentSchema = z.object({
  id: z.string(),
  name: z.string(),
  contentType: z.string(),
  size: z.number().int().nonnegative(),
  inline: z.boolean(),
  /** False when the part was over the attachment limit: it stays only in the raw message. */
  stored: z.boolean(),
});
export type Attachment = z.infer<typeof AttachmentSchema>;

export const MessageVisibilitySchema = z.enum(['public', 'internal', 'shared']);
export type MessageVisibility = z.infer<typeof MessageVisibilitySchema>;

export const RatingSchema = z.enum(['good', 'okay', 'bad']);
export type Rating = z.infer<typeof RatingSchema>;

/** One message on a ticket: the first email, a reply, a bounce or auto-reply note, an alert repeat. */
export const TicketMessageSchema = z.object({
  id: z.string(),
  kind: z.enum(['message', 'reply', 'auto-reply', 'bounce', 'alert-repeat', 'acknowledgement', 'note']),
  direction: z.enum(['inbound', 'outbound']),
  from: z.object({ email: z.string(), name: z.string().optional() }).nullable(),
  /** When the sender says it was sent (its Date header). */
  sentAt: z.iso.datetime(),
  /** When this system received it; messages are ordered by it. */
  receivedAt: z.iso.datetime(),
  /** At most {@link BODY_EXCERPT_BYTES} of the text; the rest is at `textKey`. */
  text: z.string(),
  /** Blob key of the full text when `text` is only its beginning; absent or null otherwise. */
  textKey: z.string().nullable().optional(),
  attachments: z.array(AttachmentSchema),
  /** RFC 5322 Message-ID, without angle brackets. */
  messageId: z.string().nullable(),
  /** Blob key of the raw message as received; kept for every inbound mail. */
  rawKey: z.string().nullable(),
  notes: z.array(z.string()),
  /**
   * Who may read it: `public` (the requester too), `shared` (internal IT and the partner),
   * `internal` (internal IT only). Absent on messages stored before conversations: mail in and
   * out of the requester's thread reads as public, system notes (bounces, auto-replies) as shared.
   */
  visibility: MessageVisibilitySchema.nullable().optional(),
  /** Who wrote it through the API or the portal; absent for mail. */
  author: z.object({ role: z.string(), email: z.string().optional() }).nullable().optional(),
});
export type TicketMessage = z.infer<typeof TicketMessageSchema>;

/** The visibility a message is read with, for messages stored before it was recorded too. */
export function visibilityOf(message: Pick<TicketMessage, 'kind' | 'visibility'>): MessageVisibility {
  if (message.visibility) return message.visibility;
  return message.kind === 'bounce' || message.kind === 'auto-reply' ? 'shared' : 'public';
}
