import { createRoute, z } from '@hono/zod-openapi';
import { RoutingRuleSchema } from '@psa/model/ticket';
import {
  BacklogCheckSchema,
  DecisionChangeSchema,
  errors,
  json,
  MonthQuery,
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
      200: json(z.record(z.string(), z.unknown()).openapi('ReliefReport'), 'Relief report'),
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
