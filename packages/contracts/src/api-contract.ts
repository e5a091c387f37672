import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { DivisionOfWorkSchema } from '@psa/model/division-of-work';
import { SlaTargetSchema } from '@psa/model/events';
import {
  OwnerSchema,
  PrioritySchema,
  RequesterSchema,
  RoutingRuleSchema,
  SettableStatusSchema,
  TicketMessageSchema,
  TicketSchema,
  TicketStatusSchema,
} from '@psa/model/ticket';

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

// --- Division of work: documents, versions, validation, simulation, coverage --------------------

/**
 * A division of work as stored and as routing applies it (see packages/model/src/division-of-work.ts).
 * Rebuilt from its shape: `.openapi()` exists only on schemas made after @hono/zod-openapi loaded.
 */
export const DivisionOfWorkDocumentSchema = z.object(DivisionOfWorkSchema.shape).openapi('DivisionOfWork');

/**
 * A division of work as an editor sends it (JSON or YAML): the server assigns `tenantId` (from the
 * path), `version` (current + 1) and, unless given, `effectiveFrom` (now). A document still carrying
 * the `tenantId` and `version` it was read with is accepted; that `version` names the version the
 * edit is based on (409 when it is no longer current). Unknown fields are refused.
 */
export const DivisionOfWorkDraftSchema = z
  .object({
    ...DivisionOfWorkSchema.shape,
    tenantId: DivisionOfWorkSchema.shape.tenantId.optional(),
    version: DivisionOfWorkSchema.shape.version.optional(),
    effectiveFrom: DivisionOfWorkSchema.shape.effectiveFrom.optional(),
  })
  .openapi('DivisionOfWorkDraft');

export const DivisionOfWorkVersionInfoSchema = z
  .object({
    version: z.number().int(),
    effectiveFrom: z.string(),
    /** Email (or subject) of who published it; null for a version seeded without one. */
    changedBy: z.string().nullable(),
    changedAt: z.string().nullable(),
    /** One line per change from the version before. */
    summary: z.array(z.string()),
  })
  .openapi('DivisionOfWorkVersionInfo');

export const DivisionOfWorkVersionSchema = DivisionOfWorkVersionInfoSchema.extend({
  document: DivisionOfWorkDocumentSchema,
}).openapi('DivisionOfWorkVersion');

export const DivisionOfWorkHistorySchema = z
  .object({
    tenantId: z.string(),
    current: z.number().int(),
    items: z.array(DivisionOfWorkVersionInfoSchema),
  })
  .openapi('DivisionOfWorkHistory');

const IssueSchema = z.object({ path: z.string(), message: z.string() });

export const DivisionOfWorkValidationSchema = z
  .object({
    valid: z.boolean(),
    /** Problems named by their JSON path inside the document, e.g. `workloads.3.owner`. */
    issues: z.array(IssueSchema),
    /** The version a PUT of it would publish (the current one when it changes nothing); null when invalid. */
    wouldBecomeVersion: z.number().int().nullable(),
    changes: z.array(z.string()),
  })
  .openapi('DivisionOfWorkValidation');

const MonthString = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'month must be YYYY-MM');

export const SimulateBodySchema = z
  .object({
    /** YYYY-MM in the tenant's time zone. */
    month: MonthString,
    proposal: DivisionOfWorkDraftSchema,
    /**
     * `actual` (default): every decision sees the internal backlog exactly as it was.
     * `replayed`: the month's tickets count with the owners the proposal gives them.
     */
    backlog: z.enum(['actual', 'replayed']).default('actual'),
    /** Most changed tickets listed (all are counted). */
    maxChanges: z.number().int().min(0).max(5000).optional(),
  })
  .strict()
  .openapi('SimulateRequest');

const OwnerCountsSchema = z.object({ partner: z.number(), internal: z.number(), triage: z.number() });

export const RoutingStatsSchema = z
  .object({
    tickets: z.number(),
    ticketsByOwner: OwnerCountsSchema,
    partnerShare: z.number().nullable(),
    afterHours: z.object({ tickets: z.number(), byOwner: OwnerCountsSchema, absorbedByPartner: z.number() }),
    partnerHandleMinutes: z.number(),
    internalHoursFreed: z.number(),
    workloadHits: z.record(z.string(), z.number()),
    ruleCounts: z.record(RoutingRuleSchema, z.number()),
  })
  .openapi('RoutingStats');

export const DecisionChangeSchema = z
  .object({
    id: z.string(),
    key: z.string(),
    subject: z.string(),
    receivedAt: z.string(),
    actual: z.object({
      owner: OwnerSchema,
      rule: RoutingRuleSchema,
      workload: z.string().nullable(),
      divisionOfWorkVersion: z.number().int(),
    }),
    replayed: z.object({
      owner: OwnerSchema,
      rule: RoutingRuleSchema,
      workload: z.string().nullable(),
      reasons: z.array(z.string()),
    }),
    differs: z.array(z.enum(['owner', 'workload', 'rule'])),
  })
  .openapi('DecisionChange');

const BacklogCheckSchema = z.object({ compared: z.number(), agreed: z.number() });
const WindowSchema = z.object({ from: z.string(), to: z.string() });
const ReadSchema = z.object({ ticketsIndex: z.number(), openIndex: z.number() });

export const SimulationReportSchema = z
  .object({
    tenantId: z.string(),
    month: z.string(),
    timeZone: z.string(),
    window: WindowSchema,
    proposal: z.object({ name: z.string(), workloads: z.number(), comparedWithVersion: z.number().int() }),
    actual: RoutingStatsSchema.extend({ divisionOfWorkVersions: z.array(z.number().int()) }),
    simulated: RoutingStatsSchema,
    delta: z.object({
      ticketsByOwner: OwnerCountsSchema,
      partnerShare: z.number().nullable(),
      afterHoursAbsorbedByPartner: z.number(),
      partnerHandleMinutes: z.number(),
      internalHoursFreed: z.number(),
    }),
    changes: z.object({
      count: z.number(),
      workloadChanged: z.number(),
      ruleChanged: z.number(),
      truncated: z.boolean(),
      items: z.array(DecisionChangeSchema),
    }),
    backlog: z.object({
      mode: z.enum(['actual', 'replayed']),
      atMonthStart: z.number(),
      max: z.number(),
      overflowLimit: z.number(),
      overflowInForce: z.number(),
      check: BacklogCheckSchema,
      lookbackDays: z.number(),
    }),
    read: ReadSchema.extend({ unrouted: z.number() }),
  })
  .openapi('SimulationReport');

export const RoutingCoverageSchema = z
  .object({
    tenantId: z.string(),
    month: z.string(),
    timeZone: z.string(),
    window: WindowSchema,
    currentVersion: z.number().int(),
    tickets: z.number(),
    unrouted: z.number(),
    triage: z.object({ count: z.number(), share: z.number().nullable() }),
    unrecognised: z.object({ count: z.number(), share: z.number().nullable() }),
    workloadHits: z.record(z.string(), z.number()),
    ruleCounts: z.record(RoutingRuleSchema, z.number()),
    byVersion: z.record(z.string(), z.number()),
    drift: z.object({
      count: z.number(),
      ownerChanged: z.number(),
      workloadChanged: z.number(),
      ruleChanged: z.number(),
      truncated: z.boolean(),
      items: z.array(DecisionChangeSchema),
    }),
    backlog: z.object({ atMonthStart: z.number(), check: BacklogCheckSchema, lookbackDays: z.number() }),
    read: ReadSchema,
  })
  .openapi('RoutingCoverage');

export const LearnedModelSchema = z
  .object({
    tenantId: z.string(),
    version: z.number().int(),
    trainedAt: z.string(),
    examples: z.number().int(),
    labelMap: z.record(z.string(), z.string().nullable()),
    metrics: z.object({ accuracy: z.number(), macroF1: z.number(), folds: z.number().int() }),
  })
  .openapi('LearnedModel');

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
  getDivisionOfWork: createRoute({
    method: 'get',
    path: '/v1/tenants/{tenantId}/division-of-work',
    summary: 'The current division of work (internal, partner, leadership); ETag is its version',
    description: 'JSON by default; `Accept: application/yaml` answers YAML.',
    security,
    request: { params: TenantParams },
    responses: {
      200: {
        content: {
          'application/json': { schema: DivisionOfWorkDocumentSchema },
          'application/yaml': { schema: z.string() },
        },
        description: 'The current version',
      },
      ...errors,
    },
  }),
  putDivisionOfWork: createRoute({
    method: 'put',
    path: '/v1/tenants/{tenantId}/division-of-work',
    summary: 'Publish an edited division of work as the next version (internal)',
    description:
      'Body: the whole document as `application/json` or `application/yaml`. 201 with the new version; 200 with the current one when the document changes nothing (so a retry never makes two versions). `If-Match: "<version>"` (or the `version` the document was read with) makes it 409 if someone published meanwhile.',
    security,
    request: {
      params: TenantParams,
      headers: z.object({ 'if-match': z.string().optional() }),
      body: {
        content: {
          'application/json': { schema: DivisionOfWorkDraftSchema },
          'application/yaml': { schema: DivisionOfWorkDraftSchema },
        },
        required: true,
      },
    },
    responses: {
      201: json(DivisionOfWorkVersionSchema, 'Published as the next version'),
      200: json(DivisionOfWorkVersionSchema, 'Nothing changed: the current version'),
      409: json(ErrorSchema, 'Based on a version that is no longer current, or published concurrently'),
      413: json(ErrorSchema, 'Document over 1 MB'),
      415: json(ErrorSchema, 'Neither JSON nor YAML'),
      ...errors,
    },
  }),
  listDivisionOfWorkVersions: createRoute({
    method: 'get',
    path: '/v1/tenants/{tenantId}/division-of-work/versions',
    summary: 'Version history, newest first: effectiveFrom, who changed it, when, and what changed',
    security,
    request: { params: TenantParams },
    responses: { 200: json(DivisionOfWorkHistorySchema, 'History'), ...errors },
  }),
  getDivisionOfWorkVersion: createRoute({
    method: 'get',
    path: '/v1/tenants/{tenantId}/division-of-work/versions/{version}',
    summary: 'One version as it was published',
    security,
    request: {
      params: TenantParams.extend({
        version: z.coerce
          .number()
          .int()
          .positive()
          .openapi({ param: { name: 'version', in: 'path' }, example: 1 }),
      }),
    },
    responses: { 200: json(DivisionOfWorkVersionSchema, 'The version'), ...errors },
  }),
  validateDivisionOfWork: createRoute({
    method: 'post',
    path: '/v1/tenants/{tenantId}/division-of-work/validate',
    summary: 'Check a draft without publishing it: problems by JSON path, or what it would change',
    security,
    request: {
      params: TenantParams,
      body: {
        content: {
          'application/json': { schema: DivisionOfWorkDraftSchema },
          'application/yaml': { schema: DivisionOfWorkDraftSchema },
        },
        required: true,
      },
    },
    responses: {
      200: json(DivisionOfWorkValidationSchema, 'The verdict (a 200 also when the draft is invalid)'),
      413: json(ErrorSchema, 'Document over 1 MB'),
      415: json(ErrorSchema, 'Neither JSON nor YAML'),
      ...errors,
    },
  }),
  simulateDivisionOfWork: createRoute({
    method: 'post',
    path: '/v1/tenants/{tenantId}/division-of-work/simulate',
    summary: 'What-if: replay a month of tickets through a proposed division of work (no side effects)',
    security,
    request: {
      params: TenantParams,
      body: {
        content: {
          'application/json': { schema: SimulateBodySchema },
          'application/yaml': { schema: SimulateBodySchema },
        },
        required: true,
      },
    },
    responses: {
      200: json(SimulationReportSchema, 'Actual vs simulated, and the tickets that would change owner'),
      413: json(ErrorSchema, 'Body over 1 MB'),
      415: json(ErrorSchema, 'Neither JSON nor YAML'),
      ...errors,
    },
  }),
  routingCoverageReport: createRoute({
    method: 'get',
    path: '/v1/tenants/{tenantId}/reports/routing-coverage',
    summary: 'Routing coverage of a month: triage and unrecognised share, workload and rule hits, drift',
    security,
    request: { params: TenantParams, query: MonthQuery },
    responses: { 200: json(RoutingCoverageSchema, 'Coverage and drift'), ...errors },
  }),
  importHistory: createRoute({
    method: 'post',
    path: '/v1/tenants/{tenantId}/division-of-work/history',
    summary: 'Train routing on past tickets: a CSV with text and label columns, labels mapped to workloads',
    security,
    request: {
      params: TenantParams,
      body: {
        content: {
          'application/json': {
            schema: z
              .object({
                csv: z.string().min(1).max(20_000_000),
                labelMap: z.record(z.string(), z.string().nullable()).optional(),
              })
              .strict()
              .openapi('HistoryImport'),
          },
        },
        required: true,
      },
    },
    responses: { 201: json(LearnedModelSchema, 'The model now used for routing'), ...errors },
  }),
  getLearnedModel: createRoute({
    method: 'get',
    path: '/v1/tenants/{tenantId}/division-of-work/model',
    summary: 'The model learned from history that routing uses beside the rules',
    security,
    request: { params: TenantParams },
    responses: { 200: json(LearnedModelSchema, 'The current model'), ...errors },
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
