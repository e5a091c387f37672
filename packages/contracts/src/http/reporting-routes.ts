import { createRoute } from '@hono/zod-openapi';
import { RoutingRuleSchema } from '@psa/model/ticket';
import * as z from 'zod';
import {
  BacklogCheckSchema,
  DecisionChangeSchema,
  ErrorSchema,
  errors,
  json,
  MonthQuery,
  MonthString,
  ReadSchema,
  security,
  TenantParams,
  WindowSchema,
} from './shared.ts';

/** Reporting's routes: leadership reports (backlog, after hours, relief) and routing coverage. */

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

const TargetStatusSchema = z.enum(['green', 'amber', 'red', 'none']);
const StatusSchema = z.object({
  partnerShare: TargetStatusSchema,
  afterHoursAbsorbed: TargetStatusSchema,
  slaAttainment: TargetStatusSchema,
});

export const TrendsSchema = z
  .object({
    side: z.enum(['both', 'partner']),
    timeZone: z.string(),
    from: z.string(),
    to: z.string(),
    targets: z.object({
      partnerShare: z.number(),
      afterHoursAbsorbed: z.number(),
      slaAttainment: z.number(),
    }),
    amberMargin: z.number(),
    points: z.array(
      z.object({
        month: z.string(),
        totalTickets: z.number(),
        partnerShare: z.number().nullable(),
        afterHoursAbsorbed: z.number().nullable(),
        slaAttainment: z.number().nullable(),
        afterHoursTickets: z.number(),
        internalHoursFreed: z.number(),
        slaAttainmentBySide: z
          .object({ partner: z.number().nullable(), internal: z.number().nullable() })
          .optional(),
        internalBacklog: z.number().nullable().optional(),
        /** The month's team pulse mean, 1 to 5 (null without answers); never the partner's. */
        pulseMean: z.number().nullable().optional(),
        status: StatusSchema,
      }),
    ),
  })
  .openapi('Trends');

export const ReportTableSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    columns: z.array(
      z.object({
        key: z.string(),
        label: z.string(),
        format: z.enum(['text', 'count', 'share', 'hours', 'minutes', 'datetime']),
      }),
    ),
    rows: z.array(z.array(z.union([z.string(), z.number(), z.null()]))),
  })
  .openapi('ReportTable');

const TrendsQuery = MonthQuery.extend({
  months: z.coerce
    .number()
    .int()
    .min(1)
    .max(24)
    .optional()
    .openapi({ param: { name: 'months', in: 'query' }, example: 12 }),
});

const ExportParams = TenantParams.extend({
  table: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,40}$/, 'table: a table id of the report, `tickets` or `trends`')
    .openapi({ param: { name: 'table', in: 'path' }, example: 'tickets' }),
});

const OwnerKeys = <T extends z.ZodType>(v: T) => z.object({ partner: v, internal: v, triage: v });

const AlertSummarySchema = z.object({
  tickets: z.number().int(),
  occurrences: z.number().int(),
  folded: z.number().int(),
  closed: z.number().int(),
  closedWithoutAction: z.number().int(),
  closedWithoutActionShare: z.number().nullable(),
  meanMinutesToAcknowledge: z.number().nullable(),
  acknowledged: z.number().int(),
});

/**
 * Alert quality of a month: monitoring-alert tickets (opened by an alert rule), the alert mails
 * folded into them (noise removed), the share of closed ones nobody acted on (no reply or work
 * note by either side, no handoff), the mean minutes to acknowledge; in all and by owner.
 */
export const AlertQualitySchema = AlertSummarySchema.extend({
  byOwner: OwnerKeys(AlertSummarySchema),
}).openapi('AlertQuality');

/** The after-hours load that still lands on internal IT in a month. */
export const InterruptionsSchema = z
  .object({
    /** Internal-owned tickets received outside internal hours. */
    afterHoursInternalTickets: z.number().int(),
    /** P1/P2 that reached internal IT outside its hours (routed there, or handed to it). */
    urgentPagesToInternal: z.number().int(),
    byPriority: z.object({ P1: z.number(), P2: z.number(), P3: z.number(), P4: z.number() }),
    afterHoursHandoffsToInternal: z.number().int(),
  })
  .openapi('Interruptions');

/** The internal team pulse of a month: 1 (no) to 5 (much more time for planned work). */
export const PulseSummarySchema = z
  .object({
    question: z.string(),
    /** Answers this month, one per internal IT person at most. */
    count: z.number().int(),
    /** Internal IT people asked (the people with role internal, and any the tenant adds). */
    asked: z.number().int(),
    mean: z.number().nullable(),
    /** Score (1-5) -> answers. */
    distribution: z.object({
      '1': z.number(),
      '2': z.number(),
      '3': z.number(),
      '4': z.number(),
      '5': z.number(),
    }),
    /** The optional comments, without names; shown to leadership and internal IT only. */
    comments: z.array(z.string()),
  })
  .openapi('PulseSummary');

/**
 * The relief report. Documented here: the measures of issue 12 (alert quality, interruptions,
 * pulse); its other fields are described in the README ("Leadership reports").
 */
export const ReliefReportSchema = z
  .object({
    /** The partner's view carries only `byOwner.partner`. */
    alertQuality: AlertQualitySchema.or(z.object({ byOwner: z.object({ partner: AlertSummarySchema }) })),
    /** Internal IT's own measures: absent from the partner's view. */
    interruptions: InterruptionsSchema.optional(),
    pulse: PulseSummarySchema.optional(),
  })
  .catchall(z.unknown())
  .openapi('ReliefReport');

export const reportingRoutes = {
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
      200: json(ReliefReportSchema, 'Relief report'),
      ...errors,
    },
  }),
  trendsReport: createRoute({
    method: 'get',
    path: '/v1/tenants/{tenantId}/reports/trends',
    summary:
      'The last months (12 by default, up to `month`) of the figures with targets, each against its target',
    security,
    request: { params: TenantParams, query: TrendsQuery },
    responses: { 200: json(TrendsSchema, 'Trends'), ...errors },
  }),
  reportTables: createRoute({
    method: 'get',
    path: '/v1/tenants/{tenantId}/reports/tables',
    summary: "A month's relief report as tables (the dashboard's, and the CSV exports' rows)",
    security,
    request: { params: TenantParams, query: MonthQuery },
    responses: {
      200: json(
        z.object({
          month: z.string(),
          side: z.enum(['both', 'partner']),
          tables: z.array(ReportTableSchema),
        }),
        'Tables',
      ),
      ...errors,
    },
  }),
  reportExport: createRoute({
    method: 'get',
    path: '/v1/tenants/{tenantId}/reports/exports/{table}',
    summary:
      "One table of a month's report as CSV: a table id of `reports/tables`, `tickets` (one row per ticket) or `trends`",
    security,
    request: { params: ExportParams, query: MonthQuery },
    responses: {
      200: { content: { 'text/csv': { schema: z.string() } }, description: 'CSV, with a filename' },
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
} as const;

const PulseScoreSchema = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]);
const PulseScaleSchema = z.record(z.string(), z.string());

export const PulseBodySchema = z
  .object({
    /** The month answered for: the current one (default) or, in its first days, the one before. */
    month: MonthString.optional(),
    score: PulseScoreSchema,
    comment: z.string().trim().max(2000).optional(),
  })
  .strict()
  .openapi('PulseAnswerBody');

export const PulseAnswerSchema = z
  .object({
    tenantId: z.string(),
    month: z.string(),
    email: z.string(),
    score: PulseScoreSchema,
    comment: z.string().nullable(),
    answeredAt: z.string(),
  })
  .openapi('PulseAnswer');

const PulseLinkParams = z.object({
  token: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, 'a pulse link token')
    .openapi({ param: { name: 'token', in: 'path' } }),
});

/**
 * The internal team pulse (issue 12): internal IT answers once per month, signed in or through
 * the one-time link of the monthly invitation mail (`/public/pulse/{token}`, no sign-in).
 */
export const pulseRoutes = {
  answerPulse: createRoute({
    method: 'post',
    path: '/v1/tenants/{tenantId}/pulse',
    summary: 'Answer the month’s team pulse (internal IT; once per person and month, a repeat is a no-op)',
    security,
    request: {
      params: TenantParams,
      body: { content: { 'application/json': { schema: PulseBodySchema } }, required: true },
    },
    responses: {
      201: json(PulseAnswerSchema, 'Answered'),
      200: json(PulseAnswerSchema, 'The same answer was already kept'),
      409: json(ErrorSchema, 'A different answer was already given this month'),
      ...errors,
    },
  }),
  readPulse: createRoute({
    method: 'get',
    path: '/v1/tenants/{tenantId}/pulse',
    summary: 'The pulse question and the caller’s own answer of a month (internal IT)',
    security,
    request: { params: TenantParams, query: MonthQuery },
    responses: {
      200: json(
        z
          .object({
            month: z.string(),
            question: z.string(),
            scale: PulseScaleSchema,
            answer: PulseAnswerSchema.nullable(),
          })
          .openapi('PulseQuestion'),
        'The question and the answer',
      ),
      ...errors,
    },
  }),
  readPulseLink: createRoute({
    method: 'get',
    path: '/public/pulse/{token}',
    summary: 'What a pulse invitation link asks, and whether it was answered',
    request: { params: PulseLinkParams },
    responses: {
      200: json(
        z
          .object({
            tenant: z.string(),
            month: z.string(),
            question: z.string(),
            scale: PulseScaleSchema,
            answered: z.boolean(),
            expired: z.boolean(),
          })
          .openapi('PulseLink'),
        'The question',
      ),
      404: json(ErrorSchema, 'Not a pulse link'),
      400: json(ErrorSchema, 'Invalid request'),
    },
  }),
  answerPulseLink: createRoute({
    method: 'post',
    path: '/public/pulse/{token}',
    summary: 'Answer the pulse with the one-time link of the invitation mail',
    request: {
      params: PulseLinkParams,
      body: {
        content: {
          'application/json': {
            schema: z
              .object({ score: PulseScoreSchema, comment: z.string().trim().max(2000).optional() })
              .strict()
              .openapi('PulseLinkAnswer'),
          },
        },
        required: true,
      },
    },
    responses: {
      200: json(z.object({ month: z.string(), score: PulseScoreSchema, created: z.boolean() }), 'Answered'),
      404: json(ErrorSchema, 'Not a pulse link'),
      410: json(ErrorSchema, 'Already answered, or the link has expired'),
      400: json(ErrorSchema, 'Invalid request'),
    },
  }),
} as const;
