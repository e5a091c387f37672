import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { functionEnvironment } from '@psa/aws/function-environment';
import { ensureTable } from '@psa/aws/table-admin';
import { FUNCTIONS, type FunctionSpec, SCHEDULES, SUBSCRIPTIONS } from '@psa/contracts/wiring';
import { LocalEventBus } from './bus.ts';
import type { LocalConfig } from './config.ts';
import { startEmulators } from './emulators.ts';
import { type Endpoints, writeEndpoints } from './endpoints.ts';
import { loadFunction } from './functions.ts';
import { type FetchApp, startGateway } from './gateway.ts';
import { API_AUDIENCE } from './oidc/provider.ts';
import { startLocalSignIn } from './oidc/sign-in.ts';
import {
  clients,
  ensureBucket,
  ensureQueues,
  RESOURCE_NAMES,
  seedDefaultTenant,
  tenantStore,
} from './provision.ts';
import { FolderOutbox, LocalSes, SmtpRelay } from './ses.ts';
import { startSmtp } from './smtp.ts';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');

export interface LocalStack {
  endpoints: Endpoints;
  bus: LocalEventBus;
  /** DynamoDB API calls served so far, by operation. */
  dynamoCalls: Map<string, number>;
  /** Run a schedule's handler now (as EventBridge Scheduler would at its next tick). */
  runSchedule(id: string): Promise<unknown>;
  stop(): Promise<void>;
}

type Handler = (event: unknown, context?: unknown) => Promise<unknown>;
interface HandlerModule {
  handler: Handler;
  app?: FetchApp;
}

/**
 * Start the whole system on this machine: emulators, the local EventBridge and SES, the scheduler
 * and one HTTP server, all invoking the very handler modules Lambda runs, each configured with
 * exactly the environment variables the CDK app gives that function (`functionEnvironment`).
 */
export async function startLocalStack(config: LocalConfig): Promise<LocalStack> {
  const dataDir = resolve(config.PSA_DATA_DIR);
  await mkdir(dataDir, { recursive: true });
  const emulators = await startEmulators(dataDir);
  const handlers = new Map<string, HandlerModule>();
  const invoke = async (functionId: string, event: unknown) => {
    const mod = handlers.get(functionId);
    if (!mod) throw new Error(`no handler loaded for ${functionId}`);
    return mod.handler(event, { functionName: functionId, awsRequestId: crypto.randomUUID() });
  };
  const log = (msg: string, extra?: unknown) => {
    if (config.PSA_LOG_LEVEL !== 'SILENT') console.error(`[psa] ${msg}`, extra ?? '');
  };
  const bus = new LocalEventBus({
    subscriptions: SUBSCRIPTIONS,
    invoke,
    deadLetterFile: join(dataDir, 'dead-letters.jsonl'),
    log,
  });
  const eventbridge = await bus.listen();
  const ses = new LocalSes(
    config.PSA_SMTP_RELAY ? new SmtpRelay(config.PSA_SMTP_RELAY) : new FolderOutbox(join(dataDir, 'outbox')),
  );
  const sesEndpoint = await ses.listen();

  // What the Lambda service provides every function, pointed at loopback. The runtime's own
  // clients (provisioning, the SMTP listener) use it too.
  const runtime = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamodb,
    AWS_ENDPOINT_URL_SQS: emulators.sqs,
    AWS_ENDPOINT_URL_S3: emulators.s3,
    AWS_ENDPOINT_URL_EVENTBRIDGE: eventbridge,
    AWS_ENDPOINT_URL_SESV2: sesEndpoint,
    POWERTOOLS_LOG_LEVEL: config.PSA_LOG_LEVEL,
  };
  Object.assign(process.env, runtime);
  const aws = clients();
  await ensureTable(aws.dynamodb, RESOURCE_NAMES.table);
  const queues = await ensureQueues(aws.sqs, emulators.sqs);
  await ensureBucket(aws.s3, RESOURCE_NAMES.bucket);
  await seedDefaultTenant(RESOURCE_NAMES.table);
  // The one origin (API, OpenID provider, web app) listens first: its port names the issuer the
  // functions trust, and they read that at cold start.
  const gateway = await startGateway({ port: config.PSA_HTTP_PORT, webRoot: join(REPO_ROOT, 'web/dist') });
  const signIn = await startLocalSignIn({ origin: gateway.origin, dataDir, tenants: tenantStore(), log });
  gateway.mountSignIn(signIn);

  const names = {
    table: RESOURCE_NAMES.table,
    bus: RESOURCE_NAMES.bus,
    bucket: RESOURCE_NAMES.bucket,
    queueUrls: queues,
  };
  const options = {
    auth: { mode: 'jwks', issuer: signIn.issuer, audience: API_AUDIENCE },
    ...(config.PSA_CLOCK_START
      ? { clockOffsetMs: new Date(config.PSA_CLOCK_START).getTime() - Date.now() }
      : {}),
  } as const;
  for (const fn of FUNCTIONS as readonly FunctionSpec[]) {
    const entry = pathToFileURL(join(REPO_ROOT, fn.entry)).href;
    handlers.set(
      fn.id,
      await loadFunction<HandlerModule>(entry, functionEnvironment(fn, names, options), runtime),
    );
  }

  gateway.mountApi((functionId) => handlers.get(functionId)?.app);
  const http = gateway.origin;

  const smtp = await startSmtp({
    port: config.PSA_SMTP_PORT,
    tableName: RESOURCE_NAMES.table,
    bucket: RESOURCE_NAMES.bucket,
    invoke: (event) => invoke('IntakeEmail', event),
    log,
  });

  const scheduleEvent = () => ({
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'us-east-1',
    resources: [],
    detail: {},
  });
  const running = new Map<string, Promise<unknown>>();
  const runSchedule = (id: string) => {
    const schedule = SCHEDULES.find((s) => s.id === id);
    if (!schedule) throw new Error(`no schedule ${id}`);
    // Like a Lambda with reserved concurrency 1: a tick that finds the last run busy joins it.
    const current = running.get(id);
    if (current) return current;
    const run = invoke(schedule.functionId, scheduleEvent())
      .catch((err) => log(`schedule ${id} failed`, err))
      .finally(() => running.delete(id));
    running.set(id, run);
    return run;
  };
  const timers = SCHEDULES.map((s) => setInterval(() => void runSchedule(s.id), s.everyMinutes * 60_000));
  // Catch up at start: a sweep or reconcile that was due while the system was down runs now.
  for (const s of SCHEDULES) void runSchedule(s.id);

  const endpoints: Endpoints = {
    http,
    web: `${http}/`,
    issuer: signIn.issuer,
    smtp: smtp.url,
    dynamodb: emulators.dynamodb,
    sqs: emulators.sqs,
    s3: emulators.s3,
    eventbridge,
    queues,
    table: RESOURCE_NAMES.table,
    bucket: RESOURCE_NAMES.bucket,
  };
  await writeEndpoints(dataDir, endpoints);

  return {
    endpoints,
    bus,
    dynamoCalls: emulators.dynamoCalls,
    runSchedule,
    async stop() {
      for (const t of timers) clearInterval(t);
      await gateway.close();
      await smtp.close();
      await Promise.allSettled(running.values());
      await bus.close();
      await ses.close();
      await emulators.stop();
    },
  };
}
