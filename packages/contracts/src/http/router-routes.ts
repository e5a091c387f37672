import { createRoute } from '@hono/zod-openapi';
import { DivisionOfWorkSchema } from '@psa/model/division-of-work';
import { RoutingRuleSchema } from '@psa/model/ticket';
import * as z from 'zod';
import {
  BacklogCheckSchema,
  DecisionChangeSchema,
  ErrorSchema,
  errors,
  IssueSchema,
  json,
  MonthString,
  OwnerCountsSchema,
  ReadSchema,
  security,
  TenantParams,
  WindowSchema,
} from './shared.ts';

/**
 * The router's routes: the division of work (documents, versions, validation), what-if
 * simulation, and the model learned from ticket history.
 */

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
    /** Why, in the publisher's words (the `Change-Note` of its PUT); absent when none was given. */
    note: z.string().optional(),
  })
  .openapi('DivisionOfWorkVersionInfo');

/** The longest `Change-Note` a PUT may carry, in characters once decoded. */
export const MAX_CHANGE_NOTE_CHARS = 1000;

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

/**
 * How much ticket history one `POST division-of-work/history` may carry. The API runs in a Lambda
 * behind an HTTP API, invoked synchronously, and a synchronous invocation's request payload is at
 * most 6 MB (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html):
 * the whole API Gateway event, in which the JSON body rides as an escaped string beside the
 * headers and request context, so each quote and line break of the CSV is escaped twice on the
 * way. (The HTTP API itself would take 10 MB:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html.)
 * 4 MiB of CSV and 5 MiB of body leave room for that; a larger history is imported with
 * `psa import-history`, which trains from the file on the operator's machine.
 */
export const MAX_HISTORY_CSV_BYTES = 4 * 1024 * 1024;
/** The whole request body of a history import: the CSV as a JSON string, and the label map. */
export const MAX_HISTORY_BODY_BYTES = 5 * 1024 * 1024;

const tooLargeHistory = `the csv may be at most ${MAX_HISTORY_CSV_BYTES} bytes (4 MiB) of UTF-8: import a larger history with psa import-history`;

/** The history CSV: limited in bytes of UTF-8 (a character may take up to four). */
const HistoryCsvSchema = z
  .string()
  .min(1)
  // A UTF-16 unit is at least one byte of UTF-8: this cheap bound goes first, and ends the checks.
  .max(MAX_HISTORY_CSV_BYTES, { error: tooLargeHistory, abort: true })
  .refine((csv) => Buffer.byteLength(csv, 'utf8') <= MAX_HISTORY_CSV_BYTES, tooLargeHistory)
  .openapi({ description: `At most ${MAX_HISTORY_CSV_BYTES} bytes (4 MiB) of UTF-8.` });

export const routerRoutes = {
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
      headers: z.object({
        'if-match': z.string().optional(),
        'change-note': z
          .string()
          .optional()
          .openapi({
            description: `Why, in the publisher's words, kept with the version (at most ${MAX_CHANGE_NOTE_CHARS} characters; percent-encode anything past ASCII).`,
          }),
      }),
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
    description: "`Accept: application/yaml` answers the version's document alone, as YAML.",
    responses: {
      200: {
        content: {
          'application/json': { schema: DivisionOfWorkVersionSchema },
          'application/yaml': { schema: z.string() },
        },
        description: 'The version',
      },
      ...errors,
    },
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
                csv: HistoryCsvSchema,
                labelMap: z.record(z.string(), z.string().nullable()).optional(),
              })
              .strict()
              .openapi('HistoryImport'),
          },
        },
        required: true,
      },
    },
    responses: {
      201: json(LearnedModelSchema, 'The model now used for routing'),
      413: json(ErrorSchema, 'Body over 5 MiB: import a larger history with `psa import-history`'),
      ...errors,
    },
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
