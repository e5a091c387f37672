import * as z from 'zod';

/**
 * Parse a service's configuration from the environment once, at cold start. The error names
 * every variable that is missing or wrong. No other module reads `process.env`.
 */
export function parseConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  return parsed.data;
}

/*
 * Configuration fragments the services compose into their own schema (one per service). The
 * environment a function gets is built by `functionEnvironment` (./function-environment.ts),
 * which both the CDK app and the local runtime use, from these same names.
 */

export const CoreConfig = z.object({
  TABLE_NAME: z.string().min(1),
  EVENT_BUS_NAME: z.string().min(1),
  /** Local runtime only (`PSA_CLOCK_START`): shifts the clock; the CDK app never sets it. */
  PSA_CLOCK_OFFSET_MS: z.coerce.number().int().optional(),
  /** Local runtime only: `local` reads the runtime's shared clock, which it may move; the CDK app never sets it. */
  PSA_CLOCK: z.enum(['local']).optional(),
  POWERTOOLS_SERVICE_NAME: z.string().default('psa'),
});
export type CoreConfig = z.infer<typeof CoreConfig>;

export const QueueConfig = z.object({
  PARTNER_QUEUE_URL: z.url(),
  INTERNAL_QUEUE_URL: z.url(),
  TRIAGE_QUEUE_URL: z.url(),
});
export type QueueConfig = z.infer<typeof QueueConfig>;

export const AuthConfig = z.object({
  /**
   * `apigateway`: trust the HTTP API JWT authorizer's verified claims (AWS). `jwks`: verify the
   * token in process against the issuer's JWKS, found by OpenID discovery (the local runtime).
   */
  AUTH_MODE: z.enum(['apigateway', 'jwks']).default('apigateway'),
  /** The OpenID issuer URL whose tokens the API accepts. */
  JWT_ISSUER: z.string().default('psa-local'),
  JWT_AUDIENCE: z.string().default('psa-api'),
});
export type AuthConfig = z.infer<typeof AuthConfig>;

/**
 * Where people open the web app (links in mail, e.g. a resolution's rating link). Optional: without
 * it, mail carries no links into the web app.
 */
export const WebConfig = z.object({ WEB_URL: z.url().optional() });
export type WebConfig = z.infer<typeof WebConfig>;

export const BlobConfig = z.object({ BLOB_BUCKET: z.string().min(1) });
export type BlobConfig = z.infer<typeof BlobConfig>;
