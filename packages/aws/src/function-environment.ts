import { type FunctionSpec, HTTP_ROUTES, type QueueAccess } from '@psa/contracts/wiring';
import type { AuthConfig, BlobConfig, CoreConfig, QueueConfig, WebConfig } from './config.ts';

/**
 * The environment variables a function is given, derived from its FunctionSpec alone. The CDK app
 * (infra/src/psa-function.ts) and the local runtime (packages/local) both call this, so a
 * function lacks locally exactly what it lacks in AWS, and fails the same way at cold start. It
 * lives beside the config fragments so every name it sets is one a config schema reads.
 */
type EnvName = keyof CoreConfig | keyof AuthConfig | keyof BlobConfig | keyof QueueConfig | keyof WebConfig;

const QUEUE_URL_ENV = {
  partner: 'PARTNER_QUEUE_URL',
  internal: 'INTERNAL_QUEUE_URL',
  triage: 'TRIAGE_QUEUE_URL',
} as const satisfies Record<QueueAccess, keyof QueueConfig>;

/** Names (in the CDK app: tokens resolved at deploy time) of the stateful resources. */
export interface ResourceNames {
  table: string;
  bus: string;
  bucket: string;
  queueUrls: Record<QueueAccess, string>;
}

/**
 * How HTTP callers are authenticated: in AWS the HTTP API's JWT authorizer verifies the token,
 * locally the function verifies it against the same kind of issuer's JWKS (`jwks`).
 */
export interface AuthSetup {
  mode: 'apigateway' | 'jwks';
  issuer: string;
  audience: string;
}

export interface EnvironmentOptions {
  auth: AuthSetup;
  /** The web app's origin, for links in the mail an API function sends (rating links). */
  webUrl?: string;
  /** Local runtime only (`PSA_CLOCK_START`): how far the functions' clock is shifted. */
  clockOffsetMs?: number;
}

const servesHttp = (spec: FunctionSpec) => HTTP_ROUTES.some((r) => r.functionId === spec.id);

/** Exactly the variables `spec` needs: what its access declares, nothing another function needs. */
export function functionEnvironment(
  spec: FunctionSpec,
  resources: ResourceNames,
  options: EnvironmentOptions,
): Partial<Record<EnvName, string>> {
  const env: Partial<Record<EnvName, string>> = {
    TABLE_NAME: resources.table,
    EVENT_BUS_NAME: resources.bus,
    POWERTOOLS_SERVICE_NAME: spec.service,
  };
  for (const queue of spec.access.queues ?? []) env[QUEUE_URL_ENV[queue]] = resources.queueUrls[queue];
  if (spec.access.bucket) env.BLOB_BUCKET = resources.bucket;
  if (servesHttp(spec)) {
    env.AUTH_MODE = options.auth.mode;
    env.JWT_ISSUER = options.auth.issuer;
    env.JWT_AUDIENCE = options.auth.audience;
    if (options.webUrl && spec.access.mail) env.WEB_URL = options.webUrl;
  }
  if (options.clockOffsetMs) env.PSA_CLOCK_OFFSET_MS = String(options.clockOffsetMs);
  return env;
}
