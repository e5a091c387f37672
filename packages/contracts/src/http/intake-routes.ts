import { createRoute } from '@hono/zod-openapi';
import { SlaTargetSchema } from '@psa/model/events';
import {
  OwnerSchema,
  PrioritySchema,
  RequesterSchema,
  SettableStatusSchema,
  TicketMessageSchema,
  TicketSchema,
  TicketStatusSchema,
} from '@psa/model/ticket';
import * as z from 'zod';
import { AttachmentUploadsSchema } from './conversation-routes.ts';
import {
  CursorSchema,
  ErrorSchema,
  errors,
  IdSchema,
  json,
  security,
  TenantParams,
  TicketParams,
} from './shared.ts';

/** Intake's routes: tickets, their lifecycle and attachments, and the mail quarantine. */

export const CreateTicketBodySchema = z
  .object({
    subject: z.string().trim().min(1).max(998),
    body: z.string().max(100_000),
    priority: PrioritySchema.optional(),
    requester: RequesterSchema.optional(),
    channel: z.enum(['web', 'api']).optional(),
    /** Files sent with the request (./conversation-routes.ts: base64, the tenant's email limits). */
    attachments: AttachmentUploadsSchema.optional(),
  })
  .strict()
  .openapi('CreateTicket');

export const SlaClockSchema = z
  .object({
    /** Which clock: `{side}.firstResponse`, `{side}.resolution`, `{side}.nextUpdate`, `{side}.handoff.{n}`. */
    clock: z.string(),
    target: SlaTargetSchema,
    owner: OwnerSchema,
    targetMinutes: z.number(),
    /** The side whose clock it is, and so the calendar it runs on. */
    calendar: z.enum(['partner', 'internal']),
    /** Period: next-update periods, or resolution restarted by a reopen. */
    cycle: z.number().int(),
    startedAt: z.string(),
    /** Null while paused short of it: the due instant moves by however long the pause lasts. */
    dueAt: z.string().nullable(),
    elapsedBusinessMinutes: z.number(),
    remainingBusinessMinutes: z.number(),
    paused: z.boolean(),
    pausedFor: z.enum(['status', 'closed', 'handedOff', 'awaitingAcceptance', 'withdrawn']).nullable(),
    completedAt: z.string().nullable(),
    met: z.boolean().nullable(),
    warned: z.array(z.number()),
    breached: z.boolean(),
  })
  .openapi('SlaClock');

/** The full subject, body and message texts, read from wherever the ticket keeps them. */
export const TicketViewSchema = TicketSchema.omit({ version: true, fullTextKey: true })
  .extend({
    sla: z.array(SlaClockSchema),
    messages: z.array(TicketMessageSchema.omit({ rawKey: true, textKey: true })),
    /**
     * `breached`: a clock missed its target; `due-soon`: a running clock falls due within 4 hours
     * (wall-clock); null otherwise. What the list's `sla` filter matches.
     */
    slaState: z.enum(['due-soon', 'breached']).nullable().optional(),
  })
  .openapi('Ticket');

export const QuarantinedMailSchema = z
  .object({
    id: z.string(),
    receivedAt: z.string(),
    reason: z.string(),
    from: z.string().nullable(),
    subject: z.string().nullable(),
    status: z.enum(['quarantined', 'reprocessed']),
  })
  .openapi('QuarantinedMail');

export const TicketListSchema = z
  .object({ items: z.array(TicketViewSchema), nextCursor: z.string().nullable() })
  .openapi('TicketList');

/** What a list or count may be narrowed by besides the owner; each bad value is a 400 at its field. */
export const TicketFilterQuery = {
  status: TicketStatusSchema.optional(),
  workload: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'a workload id is lower-case letters, digits and dashes')
    .optional(),
  /** `breached`: a clock missed its target; `due-soon`: a running clock falls due within 4 hours. */
  sla: z.enum(['due-soon', 'breached']).optional(),
};

/** A conditional read: the ETag of the copy the caller holds (a 304 answers when it still is current). */
const ConditionalHeaders = z.object({ 'if-none-match': z.string().max(200).optional() });
const notModified = { 304: { description: 'Not modified since the ETag in If-None-Match' } };

export const TicketCountsSchema = z
  .object({
    total: z.number().int(),
    /** Per owner the caller may see (the partner: `partner` and `triage`). */
    byOwner: z.object({
      partner: z.number().int().optional(),
      internal: z.number().int().optional(),
      triage: z.number().int().optional(),
    }),
    /** False when the tenant had more tickets than one count reads: the numbers are lower bounds. */
    complete: z.boolean(),
  })
  .openapi('TicketCounts');

export const QuarantinedMailDetailSchema = QuarantinedMailSchema.extend({
  /** The raw header section as received (at most 64 KiB). */
  headers: z.string(),
  headersTruncated: z.boolean(),
  /** False when the raw message is no longer kept: it cannot be reprocessed. */
  rawAvailable: z.boolean(),
}).openapi('QuarantinedMailDetail');

export const StatusBodySchema = z
  .object({ status: SettableStatusSchema, note: z.string().max(10_000).optional() })
  .strict()
  .openapi('StatusChange');

export const intakeRoutes = {
  createTicket: createRoute({
    method: 'post',
    path: '/v1/tenants/{tenantId}/tickets',
    summary: 'Submit a ticket (honours Idempotency-Key)',
    security,
    request: {
      params: TenantParams,
      headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }),
      body: { content: { 'application/json': { schema: CreateTicketBodySchema } }, required: true },
    },
    responses: {
      201: json(TicketViewSchema, 'Created'),
      200: json(TicketViewSchema, 'A repeat of an Idempotency-Key: the ticket it created'),
      409: json(ErrorSchema, 'Idempotency-Key reused with a different request'),
      413: json(ErrorSchema, 'Body over 1 MiB'),
      429: json(
        ErrorSchema,
        'Too many tickets from this caller or tenant: retry after `Retry-After` seconds',
      ),
      ...errors,
    },
  }),
  getTicket: createRoute({
    method: 'get',
    path: '/v1/tenants/{tenantId}/tickets/{id}',
    summary: 'Read one ticket',
    security,
    request: { params: TicketParams, headers: ConditionalHeaders },
    responses: { 200: json(TicketViewSchema, 'The ticket'), ...notModified, ...errors },
  }),
  listTickets: createRoute({
    method: 'get',
    path: '/v1/tenants/{tenantId}/tickets',
    summary: 'List tickets, newest first or most urgent first (open tickets only)',
    description:
      'A page filtered by workload or SLA state may hold fewer than `limit` tickets while `nextCursor` ' +
      'is not null: each request reads a bounded number of tickets. Answers 304 to a current If-None-Match.',
    security,
    request: {
      params: TenantParams,
      headers: ConditionalHeaders,
      query: z.object({
        ...TicketFilterQuery,
        owner: OwnerSchema.optional(),
        sort: z.enum(['newest', 'urgent']).default('newest'),
        limit: z.coerce.number().int().min(1).max(100).default(25),
        cursor: CursorSchema.optional(),
      }),
    },
    responses: { 200: json(TicketListSchema, 'A page of tickets'), ...notModified, ...errors },
  }),
  countTickets: createRoute({
    method: 'get',
    path: '/v1/tenants/{tenantId}/ticket-counts',
    summary: 'How many tickets match the filters, per owner the caller may see (the console’s tabs)',
    security,
    request: { params: TenantParams, headers: ConditionalHeaders, query: z.object(TicketFilterQuery) },
    responses: { 200: json(TicketCountsSchema, 'Counts'), ...notModified, ...errors },
  }),
  changeStatus: createRoute({
    method: 'post',
    path: '/v1/tenants/{tenantId}/tickets/{id}/status',
    summary: 'Move a ticket through its lifecycle',
    security,
    request: {
      params: TicketParams,
      body: { content: { 'application/json': { schema: StatusBodySchema } }, required: true },
    },
    responses: {
      200: json(TicketViewSchema, 'The updated ticket'),
      409: json(ErrorSchema, 'Transition not allowed from the current status'),
      ...errors,
    },
  }),
  changePriority: createRoute({
    method: 'post',
    path: '/v1/tenants/{tenantId}/tickets/{id}/priority',
    summary: 'Change a routed ticket’s priority; its SLA dues are recomputed',
    security,
    request: {
      params: TicketParams,
      body: {
        content: {
          'application/json': {
            schema: z
              .object({ priority: PrioritySchema, reason: z.string().trim().max(2000).optional() })
              .strict()
              .openapi('PriorityChange'),
          },
        },
        required: true,
      },
    },
    responses: {
      200: json(TicketViewSchema, 'The ticket with its new priority'),
      409: json(ErrorSchema, 'Not routed yet, closed, or already that priority'),
      ...errors,
    },
  }),
  reassignTicket: createRoute({
    method: 'post',
    path: '/v1/tenants/{tenantId}/tickets/{id}/reassign',
    summary: 'Hand a ticket to the other side with a reason (escalate to internal, delegate to partner)',
    security,
    request: {
      params: TicketParams,
      body: {
        content: {
          'application/json': {
            schema: z
              .object({ to: z.enum(['partner', 'internal']), reason: z.string().trim().min(1).max(2000) })
              .strict()
              .openapi('Reassign'),
          },
        },
        required: true,
      },
    },
    responses: {
      200: json(TicketViewSchema, 'The ticket, now owned by the other side'),
      409: json(ErrorSchema, 'Already owned by that side, not routed yet, or closed'),
      ...errors,
    },
  }),
  getAttachment: createRoute({
    method: 'get',
    path: '/v1/tenants/{tenantId}/tickets/{id}/attachments/{attachmentId}',
    summary: 'Download an attachment of a ticket one may see',
    security,
    request: {
      params: TicketParams.extend({
        attachmentId: IdSchema.openapi({ param: { name: 'attachmentId', in: 'path' } }),
      }),
    },
    responses: {
      200: {
        content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } },
        description: 'The file',
      },
      ...errors,
    },
  }),
  listQuarantine: createRoute({
    method: 'get',
    path: '/v1/tenants/{tenantId}/mail/quarantine',
    summary: 'Mail that could not become a ticket, with the reason (internal IT)',
    security,
    request: {
      params: TenantParams,
      query: z.object({
        limit: z.coerce.number().int().min(1).max(100).default(25),
        cursor: CursorSchema.optional(),
      }),
    },
    responses: {
      200: json(
        z.object({ items: z.array(QuarantinedMailSchema), nextCursor: z.string().nullable() }),
        'Quarantine',
      ),
      ...errors,
    },
  }),
  getQuarantined: createRoute({
    method: 'get',
    path: '/v1/tenants/{tenantId}/mail/quarantine/{id}',
    summary: 'One quarantined mail with its raw headers (internal IT)',
    security,
    request: { params: TicketParams },
    responses: { 200: json(QuarantinedMailDetailSchema, 'The mail'), ...errors },
  }),
  reprocessQuarantined: createRoute({
    method: 'post',
    path: '/v1/tenants/{tenantId}/mail/quarantine/{id}/reprocess',
    summary: 'Run a quarantined mail through intake again (after a fix or a limit change)',
    security,
    request: { params: TicketParams },
    responses: {
      200: json(
        z.object({ outcome: z.string(), ticketId: z.string().optional(), reason: z.string().optional() }),
        'Outcome',
      ),
      ...errors,
    },
  }),
} as const;
