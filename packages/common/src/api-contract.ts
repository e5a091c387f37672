import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { SlaTargetSchema } from './events.ts';
import {
  OwnerSchema,
  PrioritySchema,
  RequesterSchema,
  SettableStatusSchema,
  TicketMessageSchema,
  TicketSchema,
  TicketStatusSchema,
} from './ticket.ts';

/**
 * The HTTP API contract, declared once: each service implements its routes from these
 * definitions (request validation included) and `/openapi.json` is generated from all of them.
 * Paths live under `/v1/tenants/{tenantId}/...`; every route needs a bearer JWT.
 */
const TenantParams = z.object({
  tenantId: z.string().openapi({ param: { name: 'tenantId', in: 'path' }, example: 'acme' }),
});
const TicketParams = TenantParams.extend({
  id: z.string().openapi({ param: { name: 'id', in: 'path' } }),
});

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
      requestId: z.string().optional(),
    }),
  })
  .openapi('Error');

export const CreateTicketBodySchema = z
  .object({
    subject: z.string().trim().min(1).max(998),
    body: z.string().max(100_000),
    priority: PrioritySchema.optional(),
    requester: RequesterSchema.optional(),
    channel: z.enum(['web', 'api']).optional(),
  })
  .strict()
  .openapi('CreateTicket');

export const SlaClockSchema = z
  .object({
    target: SlaTargetSchema,
    owner: OwnerSchema,
    targetMinutes: z.number(),
    calendar: z.enum(['partner', 'internal']),
    startedAt: z.string(),
    dueAt: z.string(),
    elapsedBusinessMinutes: z.number(),
    remainingBusinessMinutes: z.number(),
    completedAt: z.string().nullable(),
    met: z.boolean().nullable(),
    warned: z.array(z.number()),
    breached: z.boolean(),
  })
  .openapi('SlaClock');

export const TicketViewSchema = TicketSchema.omit({ version: true })
  .extend({ sla: z.array(SlaClockSchema), messages: z.array(TicketMessageSchema.omit({ rawKey: true })) })
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

export const StatusBodySchema = z
  .object({ status: SettableStatusSchema, note: z.string().max(10_000).optional() })
  .strict()
  .openapi('StatusChange');

const MonthQuery = z.object({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'month must be YYYY-MM')
    .optional()
    .openapi({ param: { name: 'month', in: 'query' }, example: '2026-11' }),
});

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});
const errors = {
  400: json(ErrorSchema, 'Invalid input; `issues` name each field'),
  401: json(ErrorSchema, 'Missing or invalid bearer token'),
  403: json(ErrorSchema, 'Role may not do this'),
  404: json(ErrorSchema, 'Not found (or another tenant)'),
};
const security = [{ bearer: [] }];

export const routes = {
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
      ...errors,
    },
  }),
  getTicket: createRoute({
    method: 'get',
    path: '/v1/tenants/{tenantId}/tickets/{id}',
    summary: 'Read one ticket',
    security,
    request: { params: TicketParams },
    responses: { 200: json(TicketViewSchema, 'The ticket'), ...errors },
  }),
  listTickets: createRoute({
    method: 'get',
    path: '/v1/tenants/{tenantId}/tickets',
    summary: 'List tickets, newest first',
    security,
    request: {
      params: TenantParams,
      query: z.object({
        status: TicketStatusSchema.optional(),
        owner: OwnerSchema.optional(),
        limit: z.coerce.number().int().min(1).max(100).default(25),
        cursor: z.string().optional(),
      }),
    },
    responses: { 200: json(TicketListSchema, 'A page of tickets'), ...errors },
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
        attachmentId: z.string().openapi({ param: { name: 'attachmentId', in: 'path' } }),
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
        cursor: z.string().optional(),
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
  backlogReport: createRoute({
    method: 'get',
    path: '/v1/tenants/{tenantId}/reports/backlog',
    summary: 'Open tickets by owner, priority and age',
    security,
    request: { params: TenantParams },
    responses: {
      200: json(z.record(z.string(), z.unknown()).openapi('BacklogReport'), 'Backlog'),
      ...errors,
    },
  }),
  afterHoursReport: createRoute({
    method: 'get',
    path: '/v1/tenants/{tenantId}/reports/after-hours',
    summary: 'Tickets received outside internal hours in a month',
    security,
    request: { params: TenantParams, query: MonthQuery },
    responses: {
      200: json(z.record(z.string(), z.unknown()).openapi('AfterHoursReport'), 'After-hours report'),
      ...errors,
    },
  }),
  reliefReport: createRoute({
    method: 'get',
    path: '/v1/tenants/{tenantId}/reports/relief',
    summary: 'Monthly relief metrics: what the partner took off internal IT',
    security,
    request: { params: TenantParams, query: MonthQuery },
    responses: {
      200: json(z.record(z.string(), z.unknown()).openapi('ReliefReport'), 'Relief report'),
      ...errors,
    },
  }),
} as const;

/** The OpenAPI 3.1 document of the whole API, generated from the route definitions above. */
export function openApiDocument(serverUrl?: string): unknown {
  const app = new OpenAPIHono();
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'JWT with `tenant` and `role` (requester | partner | internal | leadership) claims',
  });
  for (const route of Object.values(routes)) app.openAPIRegistry.registerPath(route);
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Co-managed IT ticket routing API',
      version: '1.0.0',
      description: 'Tickets, lifecycle and leadership reports, tenant-scoped.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
  });
}
