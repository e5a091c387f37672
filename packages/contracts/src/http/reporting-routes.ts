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
  routingCoverageReport: createRoute({
    method: 'get',
    path: '/v1/tenants/{tenantId}/reports/routing-coverage',
    summary: 'Routing coverage of a month: triage and unrecognised share, workload and rule hits, drift',
    security,
    request: { params: TenantParams, query: MonthQuery },
    responses: { 200: json(RoutingCoverageSchema, 'Coverage and drift'), ...errors },
  }),
} as const;
