import { METRICS_NAMESPACE } from '@psa/contracts/metrics';
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/**
 * Stages differ only by context. `cdk.json` keeps each stage's values under `context.stages.<name>`
 * (any context key: `emailDomain`, `jwtIssuer`, `alarmEmail`, ... and the settings below); the
 * app copies the chosen stage's values into the context before anything reads it. A key given on
 * the command line (`-c key=value`) wins over the stage's value for that one run, which is why
 * cdk.json keeps no stage-specific key at its top level.
 *
 * A stage not listed in `stages` gets the defaults below, which are the safe ones: data is kept.
 */
export interface StageSettings {
  /** `destroy`: tables, buckets (emptied first) and logs go with the stack; `retain`: they stay. */
  removalPolicy: 'destroy' | 'retain';
  /** DynamoDB point-in-time recovery (35 days of restorable history). */
  pointInTimeRecovery: boolean;
  /** DynamoDB deletion protection (the table cannot be deleted until it is turned off). */
  deletionProtection: boolean;
  /** S3 versioning of the blob bucket: stored mail and attachments keep overwritten versions. */
  blobVersioning: boolean;
  /** Days a superseded object version is kept (with versioning). */
  noncurrentVersionExpirationDays: number;
  /** Days after which raw mail moves to Glacier Instant Retrieval; null: it stays in Standard. */
  mailArchiveAfterDays: number | null;
  /** Days after which raw mail is deleted; null: never (prod keeps what it accepted). */
  mailExpirationDays: number | null;
  /** Retention of the functions' log groups, in days (a value CloudWatch Logs offers). */
  logRetentionDays: number;
  /** Retention of the HTTP API's access log group, in days. */
  accessLogRetentionDays: number;
  /** Days the event bus archive keeps events for replay. */
  eventArchiveDays: number;
  /** Application log level of every function (Powertools and Lambda's JSON log format). */
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** Share of invocations logged at DEBUG whatever the level (Powertools' sample rate), 0-1. */
  debugSampleRate: number;
  /** Whether X-Ray subsegments carry handler responses (ticket data: off where data is real). */
  traceCaptureResponse: boolean;
  /** CloudWatch namespace of the custom metrics. */
  metricsNamespace: string;
  /** Base URL of docs/runbooks in the repository; each alarm links `<base>/<runbook>.md`. */
  runbookBaseUrl: string;
}

export const DEFAULT_STAGE_SETTINGS: Omit<StageSettings, 'runbookBaseUrl'> = {
  removalPolicy: 'retain',
  pointInTimeRecovery: true,
  deletionProtection: true,
  blobVersioning: true,
  noncurrentVersionExpirationDays: 90,
  mailArchiveAfterDays: 30,
  mailExpirationDays: null,
  logRetentionDays: 90,
  accessLogRetentionDays: 365,
  eventArchiveDays: 365,
  logLevel: 'INFO',
  debugSampleRate: 0,
  traceCaptureResponse: false,
  metricsNamespace: METRICS_NAMESPACE,
};

type Context = Record<string, unknown>;

/**
 * The context a stage runs with: its `stages.<name>` entry under whatever the context already
 * sets (the command line), without the `stages` map itself. Pure, so the deploy script shows
 * exactly what the app will read.
 */
export function stageContext(context: Context): Context {
  const stage = context.stage;
  if (typeof stage !== 'string') throw new Error('missing context: stage');
  const stages = context.stages ?? {};
  if (typeof stages !== 'object' || stages === null || Array.isArray(stages))
    throw new Error('invalid context: stages: expected an object of stage name -> context');
  const entry: unknown = (stages as Context)[stage] ?? {};
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    throw new Error(`invalid context: stages.${stage}: expected an object of context keys`);
  const { stages: _, ...given } = context;
  const merged: Context = { ...(entry as Context) };
  for (const [key, value] of Object.entries(given)) if (value !== undefined) merged[key] = value;
  return merged;
}

/** The stages cdk.json names. */
export function knownStages(context: Context): string[] {
  const stages = context.stages;
  return stages && typeof stages === 'object' ? Object.keys(stages) : [];
}

/**
 * Copies the chosen stage's values into the app's context. Call it on the App before adding any
 * construct (CDK only lets context be set on a construct without children).
 */
export function applyStageContext(app: Construct): void {
  const stage = app.node.tryGetContext('stage');
  const stages = app.node.tryGetContext('stages');
  const merged = stageContext({ stage, stages });
  for (const [key, value] of Object.entries(merged)) {
    if (app.node.tryGetContext(key) === undefined) app.node.setContext(key, value);
  }
}

const RETENTION_DAYS = new Set<number>(
  Object.values(RetentionDays).filter((v): v is number => typeof v === 'number'),
);

/** Reads and validates the settings from a context object; an invalid value names its key. */
export function parseStageSettings(context: Context): StageSettings {
  const pick = <K extends keyof StageSettings>(key: K): unknown => {
    const value = context[key];
    return value === undefined ? (DEFAULT_STAGE_SETTINGS as Partial<StageSettings>)[key] : value;
  };
  const fail = (key: string, expected: string): never => {
    throw new Error(`invalid context: ${key}: expected ${expected}, got ${JSON.stringify(context[key])}`);
  };
  const bool = (key: keyof StageSettings): boolean => {
    const value = pick(key);
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    return fail(key, 'true or false');
  };
  const days = (key: keyof StageSettings, nullable = false): number | null => {
    const value = pick(key);
    if (nullable && (value === null || value === 'null')) return null;
    const n = typeof value === 'string' ? Number(value) : value;
    if (typeof n === 'number' && Number.isInteger(n) && n > 0) return n;
    return fail(key, nullable ? 'a whole number of days or null' : 'a whole number of days');
  };
  const retention = (key: 'logRetentionDays' | 'accessLogRetentionDays'): number => {
    const n = days(key)!;
    if (!RETENTION_DAYS.has(n))
      fail(key, `a retention CloudWatch Logs offers (${[...RETENTION_DAYS].join(', ')})`);
    return n;
  };
  const oneOf = <T extends string>(key: keyof StageSettings, values: readonly T[]): T => {
    const value = pick(key);
    return values.includes(value as T) ? (value as T) : fail(key, values.join(' or '));
  };

  const sampleRate = Number(pick('debugSampleRate'));
  if (!(sampleRate >= 0 && sampleRate <= 1)) fail('debugSampleRate', 'a number from 0 to 1');
  const namespace = pick('metricsNamespace');
  if (typeof namespace !== 'string' || !/^[A-Za-z0-9._/#:-]{1,255}$/.test(namespace))
    fail('metricsNamespace', 'a CloudWatch namespace');
  const runbookBaseUrl = pick('runbookBaseUrl');
  if (
    typeof runbookBaseUrl !== 'string' ||
    !URL.canParse(runbookBaseUrl) ||
    !runbookBaseUrl.startsWith('https://')
  )
    fail('runbookBaseUrl', 'an https URL (where docs/runbooks is browsable)');

  const settings: StageSettings = {
    removalPolicy: oneOf('removalPolicy', ['destroy', 'retain'] as const),
    pointInTimeRecovery: bool('pointInTimeRecovery'),
    deletionProtection: bool('deletionProtection'),
    blobVersioning: bool('blobVersioning'),
    noncurrentVersionExpirationDays: days('noncurrentVersionExpirationDays')!,
    mailArchiveAfterDays: days('mailArchiveAfterDays', true),
    mailExpirationDays: days('mailExpirationDays', true),
    logRetentionDays: retention('logRetentionDays'),
    accessLogRetentionDays: retention('accessLogRetentionDays'),
    eventArchiveDays: days('eventArchiveDays')!,
    logLevel: oneOf('logLevel', ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const),
    debugSampleRate: sampleRate,
    traceCaptureResponse: bool('traceCaptureResponse'),
    metricsNamespace: namespace as string,
    runbookBaseUrl: (runbookBaseUrl as string).replace(/\/+$/, ''),
  };
  if (
    settings.mailArchiveAfterDays !== null &&
    settings.mailExpirationDays !== null &&
    settings.mailExpirationDays <= settings.mailArchiveAfterDays
  ) {
    fail('mailExpirationDays', `more days than mailArchiveAfterDays (${settings.mailArchiveAfterDays})`);
  }
  return settings;
}

const cache = new WeakMap<object, StageSettings>();

/** The settings of the stage `scope` is synthesized for (read once per app). */
export function stageSettings(scope: Construct): StageSettings {
  const root = scope.node.root;
  let settings = cache.get(root);
  if (!settings) {
    const keys = [...Object.keys(DEFAULT_STAGE_SETTINGS), 'runbookBaseUrl'];
    settings = parseStageSettings(Object.fromEntries(keys.map((k) => [k, scope.node.tryGetContext(k)])));
    cache.set(root, settings);
  }
  return settings;
}

/** The removal policy of the stage's stateful resources and log groups. */
export const removalPolicyOf = (settings: StageSettings): RemovalPolicy =>
  settings.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

/** A retention in days as the enum the logs constructs take (validated by parseStageSettings). */
export const retentionOf = (days: number): RetentionDays => days as RetentionDays;
