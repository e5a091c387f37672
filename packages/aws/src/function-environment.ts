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

/**
 * Powertools' own settings (https://docs.powertools.aws.dev/lambda/typescript/latest/environment-variables/):
 * Powertools reads them itself, so no config schema does. The CDK app sets them from the stage;
 * the local runtime leaves them to Powertools' defaults.
 */
export const OBSERVABILITY_ENV = {
  /** Namespace of the custom metrics (Powertools Metrics). */
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  /** Logger level. */
  logLevel: 'POWERTOOLS_LOG_LEVEL',
  /** Share of invocations the Logger logs at DEBUG whatever the level (0-1). */
  debugSampleRate: 'POWERTOOLS_LOGGER_SAMPLE_RATE',
  /** Whether the Logger logs the incoming event (never: events carry personal data). */
  logEvent: 'POWERTOOLS_LOGGER_LOG_EVENT',
  /** Tracer on or off (X-Ray active tracing is on for every function). */
  traceEnabled: 'POWERTOOLS_TRACE_ENABLED',
  /** Whether the Tracer records handler responses as subsegment metadata. */
  traceCaptureResponse: 'POWERTOOLS_TRACER_CAPTURE_RESPONSE',
} as const;

export interface ObservabilitySetup {
  metricsNamespace: string;
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  debugSampleRate: number;
  traceCaptureResponse: boolean;
}

export interface EnvironmentOptions {
  auth: AuthSetup;
  /** Powertools' logging, metrics and tracing settings (the CDK app: from the stage). */
  observability?: ObservabilitySetup;
  /** The web app's origin, for links in the mail a function sends (rating links, dashboard links). */
  webUrl?: string;
  /** Local runtime only (`PSA_CLOCK_START`): how far the functions' clock is shifted. */
  clockOffsetMs?: number;
  /** Local runtime only: the functions read the runtime's shared clock (`localClock`), which it may move. */
  localClock?: boolean;
}

const servesHttp = (spec: FunctionSpec) => HTTP_ROUTES.some((r) => r.functionId === spec.id);

/** Exactly the variables `spec` needs: what its access declares, nothing another function needs. */
export function functionEnvironment(
  spec: FunctionSpec,
  resources: ResourceNames,
  options: EnvironmentOptions,
): Partial<Record<EnvName | ObservabilityEnvName, string>> {
  const env: Partial<Record<EnvName | ObservabilityEnvName, string>> = {
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
  }
  if (options.webUrl && spec.access.mail && (servesHttp(spec) || spec.access.webLinks))
    env.WEB_URL = options.webUrl;
  if (options.clockOffsetMs) env.PSA_CLOCK_OFFSET_MS = String(options.clockOffsetMs);
  if (options.localClock) env.PSA_CLOCK = 'local';
  if (options.observability) Object.assign(env, observabilityEnvironment(options.observability));
  return env;
}

type ObservabilityEnvName = (typeof OBSERVABILITY_ENV)[keyof typeof OBSERVABILITY_ENV];

/** The Powertools variables of a setup. */
export function observabilityEnvironment(setup: ObservabilitySetup): Record<ObservabilityEnvName, string> {
  return {
    [OBSERVABILITY_ENV.metricsNamespace]: setup.metricsNamespace,
    [OBSERVABILITY_ENV.logLevel]: setup.logLevel,
    [OBSERVABILITY_ENV.debugSampleRate]: String(setup.debugSampleRate),
    [OBSERVABILITY_ENV.logEvent]: 'false',
    [OBSERVABILITY_ENV.traceEnabled]: 'true',
    [OBSERVABILITY_ENV.traceCaptureResponse]: String(setup.traceCaptureResponse),
  };
}
