import { z } from '@hono/zod-openapi';
import { OwnerSchema, RoutingRuleSchema } from '@psa/model/ticket';

/**
 * What the services' HTTP routes share: the tenant and ticket path parameters, the month query,
 * the error body and the error responses, the bearer security, and the schemas of a replayed
 * decision that both the what-if simulation (router) and routing coverage (reporting) report.
 * Paths live under `/v1/tenants/{tenantId}/...`; every route but the OpenAPI document needs a
 * bearer JWT.
 */
export const TenantParams = z.object({
  tenantId: z.string().openapi({ param: { name: 'tenantId', in: 'path' }, example: 'acme' }),
});
export const TicketParams = TenantParams.extend({
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

export const MonthQuery = z.object({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'month must be YYYY-MM')
    .optional()
    .openapi({ param: { name: 'month', in: 'query' }, example: '2026-11' }),
});

export const IssueSchema = z.object({ path: z.string(), message: z.string() });

export const MonthString = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'month must be YYYY-MM');

export const OwnerCountsSchema = z.object({ partner: z.number(), internal: z.number(), triage: z.number() });

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

export const BacklogCheckSchema = z.object({ compared: z.number(), agreed: z.number() });
export const WindowSchema = z.object({ from: z.string(), to: z.string() });
export const ReadSchema = z.object({ ticketsIndex: z.number(), openIndex: z.number() });

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});
export const errors = {
  400: json(ErrorSchema, 'Invalid input; `issues` name each field'),
  401: json(ErrorSchema, 'Missing or invalid bearer token'),
  403: json(ErrorSchema, 'Role may not do this'),
  404: json(ErrorSchema, 'Not found (or another tenant)'),
};
export const security = [{ bearer: [] }];
