import { extendZodWithOpenApi } from '@hono/zod-openapi';
import { isMonth, MONTH_MESSAGE } from '@psa/model/month';
import { OwnerSchema, RoutingRuleSchema } from '@psa/model/ticket';
import * as z from 'zod';

/**
 * What the services' HTTP routes share: the tenant and ticket path parameters, the month query,
 * the error body and the error responses, the bearer security, and the schemas of a replayed
 * decision that both the what-if simulation (router) and routing coverage (reporting) report.
 * Paths live under `/v1/tenants/{tenantId}/...`; every route but the OpenAPI document needs a
 * bearer JWT.
 */

// `.openapi()` on every schema before the routes' schemas use it. @hono/zod-openapi does the same
// when it loads (this call is then a no-op); given only `ZodType`, never zod's whole `z`, so the
// Lambda bundles keep only the parts of zod they use (packages/http/src/zod-in-bundles.ts).
extendZodWithOpenApi({ ZodType: z.ZodType } as unknown as Parameters<typeof extendZodWithOpenApi>[0]);

export const TenantParams = z.object({
  tenantId: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'tenant id: 2-63 lower-case letters, digits or dashes')
    .openapi({ param: { name: 'tenantId', in: 'path' }, example: 'acme' }),
});

/**
 * The longest id this API hands out: tickets have UUIDs (36 characters), quarantined mail 20 hex
 * digits, attachments `{16 hex}-{n}`. A longer one names nothing, and would not fit a DynamoDB key.
 */
export const MAX_ID_LENGTH = 64;

/** The id of a ticket, quarantined mail or attachment in a path: every `{id}` route uses this. */
export const IdSchema = z
  .string()
  .max(MAX_ID_LENGTH, `an id is at most ${MAX_ID_LENGTH} characters`)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'an id is letters, digits, dots, dashes and underscores');

export const TicketParams = TenantParams.extend({
  id: IdSchema.openapi({ param: { name: 'id', in: 'path' } }),
});

/** Longest page cursor this API issues (the last key of a page, base64url); longer is not one. */
export const MAX_CURSOR_LENGTH = 2048;

/** `cursor` of a listing: the `nextCursor` of the page before, opaque, and bound to its listing. */
export const CursorSchema = z
  .string()
  .min(1)
  .max(MAX_CURSOR_LENGTH, 'cursor is not one this API issued')
  .regex(/^[A-Za-z0-9_-]+$/, 'cursor is not one this API issued');

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

/** YYYY-MM from 1970-01 to 2999-12 (see @psa/model/month): every month a route reads is this. */
export const MonthString = z.string().refine(isMonth, MONTH_MESSAGE);

export const MonthQuery = z.object({
  month: MonthString.optional().openapi({ param: { name: 'month', in: 'query' }, example: '2026-11' }),
});

export const IssueSchema = z.object({ path: z.string(), message: z.string() });

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
  431: json(ErrorSchema, 'Request line and headers over 10,240 bytes (what API Gateway takes)'),
};
export const security = [{ bearer: [] }];
