import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { functionEnvironment } from '@psa/aws/function-environment';
import { ensureTable } from '@psa/aws/table-admin';
import {
  ASYNC_DELIVERY,
  FUNCTIONS,
  type FunctionSpec,
  SCHEDULES,
  SUBSCRIPTIONS,
} from '@psa/contracts/wiring';
import { localClock, setLocalClockOffset } from '@psa/model/clock';
import { LocalEventBus } from './bus.ts';
import { openChaos } from './chaos/injector.ts';
import { clockControl } from './clock-control.ts';
import type { LocalConfig } from './config.ts';
import { lockDataFolder } from './data-lock.ts';
import { DurableDeliveryQueue } from './durable/delivery-queue.ts';
import { type DeliveryPolicy, DeliveryStore } from './durable/delivery-store.ts';
import { startEmulators } from './emulators.ts';
import { type Endpoints, writeEndpoints } from './endpoints.ts';
import { loadFunction } from './functions.ts';
import { type FetchApp, startGateway } from './gateway.ts';
import { invoking } from './invocations.ts';
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
import { LocalScheduler } from './scheduler.ts';
import { FolderOutbox, LocalSes, SmtpRelay } from './ses.ts';
import { startSmtp } from './smtp.ts';

/** The delivery queue's lane of received mail; up to this many are processed at once. */
const MAIL_LANE = 'mail';
const MAIL_CONCURRENCY = 4;
/** How long a stop lets requests, SMTP sessions and deliveries in flight finish. */
const DEFAULT_GRACE_MS = 5_000;

/** Attempts and age limit of a lane, from the wiring's ASYNC_DELIVERY (Lambda and rule targets). */
const policy = (maxEventAgeSeconds: number): DeliveryPolicy => ({
  maxAttempts: 1 + ASYNC_DELIVERY.functionRetryAttempts,
  maxAgeMs: maxEventAgeSeconds * 1000,
});

const REPO_ROOT = resolve(import.meta.dirname, '../../..');

export interface LocalStack {
  endpoints: Endpoints;
  bus: LocalEventBus;
  /** DynamoDB API calls served so far, by operation. */
  readonly dynamoCalls: Map<string, number>;
  /** DynamoDB API calls served so far, by operation and the record they touch ("GetItem ticket"). */
  dynamoCallBreakdown(): Promise<Map<string, number>>;
  /** Deliveries a previous run left pending and this one resumed, by lane. */
  recovered: Record<string, number>;
  /** Fire a schedule now (as EventBridge Scheduler does at its next tick); its run is queued. */
  runSchedule(id: string): void;
  /**
   * Stops accepting (HTTP, SMTP), lets what is in flight finish within `graceMs`, then stops.
   * Deliveries not done stay pending in the data folder for the next start.
   */
  stop(opts?: { graceMs?: number }): Promise<StopSummary>;
}

export interface StopSummary {
  /** HTTP requests still running at the end of the grace period, cut off. */
  cutRequests: number;
  /** Deliveries left pending on disk (resumed at the next start). */
  pendingDeliveries: number;
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
  // Before anything opens a file of the folder: a second runtime on it stops here.
  const lock = lockDataFolder(dataDir);
  const cleanup: (() => Promise<void> | void)[] = [() => lock.release()];
  try {
    return await start(config, dataDir, lock, cleanup);
  } catch (err) {
    for (const undo of cleanup.reverse()) await Promise.resolve(undo()).catch(() => undefined);
    throw err;
  }
}

async function start(
  config: LocalConfig,
  dataDir: string,
  lock: { release: () => void },
  cleanup: (() => Promise<void> | void)[],
): Promise<LocalStack> {
  const log = (msg: string, extra?: unknown) => {
    if (config.PSA_LOG_LEVEL !== 'SILENT') console.error(`[psa] ${msg}`, extra ?? '');
  };
  const store = new DeliveryStore(join(dataDir, 'deliveries.db'));
  cleanup.push(() => store.close());
  const emulators = await startEmulators(dataDir);
  cleanup.push(() => emulators.stop());
  if (emulators.staleIndexEntries > 0)
    log(
      `the last run did not stop cleanly: removed ${emulators.staleIndexEntries} DynamoDB index entries it left stale`,
    );
  if (emulators.upgradedIndexes.length > 0)
    log(`the data folder's table had other indexes: rebuilt ${emulators.upgradedIndexes.join(', ')}`);
  const handlers = new Map<string, HandlerModule>();
  const invoke = async (functionId: string, event: unknown) => {
    const mod = handlers.get(functionId);
    if (!mod) throw new Error(`no handler loaded for ${functionId}`);
    return invoking({ functionId, http: false }, () =>
      mod.handler(event, { functionName: functionId, awsRequestId: crypto.randomUUID() }),
    );
  };
  const deadLetters = join(dataDir, 'dead-letters');
  const queue = new DurableDeliveryQueue({
    store,
    invoke,
    deadLetterDir: deadLetters,
    concurrency: { [MAIL_LANE]: MAIL_CONCURRENCY },
    log,
  });
  // PSA_CHAOS: the fault injector, in front of what the functions call (never of the runtime's own calls).
  const chaos = config.PSA_CHAOS
    ? openChaos({
        file: resolve(config.PSA_CHAOS),
        journalFile: join(dataDir, 'chaos.db'),
        log: (msg) => console.error(`[psa] ${msg}`),
      })
    : undefined;
  if (chaos) cleanup.push(() => chaos.close());
  const bus = new LocalEventBus({
    subscriptions: SUBSCRIPTIONS,
    queue,
    policy: policy(ASYNC_DELIVERY.events.maxEventAgeSeconds),
    ...(chaos ? { chaos: chaos.bus } : {}),
  });
  const eventbridge = await bus.listen();
  cleanup.push(() => bus.close());
  const ses = new LocalSes(
    config.PSA_SMTP_RELAY ? new SmtpRelay(config.PSA_SMTP_RELAY) : new FolderOutbox(join(dataDir, 'outbox')),
  );
  const sesEndpoint = await ses.listen();
  cleanup.push(() => ses.close());
  const direct = {
    dynamodb: emulators.dynamodb,
    sqs: emulators.sqs,
    s3: emulators.s3,
    eventbridge,
    sesv2: sesEndpoint,
  };
  const called = chaos ? await chaos.proxy(direct) : direct;

  // What the Lambda service provides every function, pointed at loopback (through the fault
  // injector when PSA_CHAOS is set). The SDK reads these when a client first calls, so they go
  // into the process environment; the runtime's own clients name the emulators explicitly.
  const runtime = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: called.dynamodb,
    AWS_ENDPOINT_URL_SQS: called.sqs,
    AWS_ENDPOINT_URL_S3: called.s3,
    AWS_ENDPOINT_URL_EVENTBRIDGE: called.eventbridge,
    AWS_ENDPOINT_URL_SESV2: called.sesv2,
    POWERTOOLS_LOG_LEVEL: config.PSA_LOG_LEVEL,
    // The functions log the same JSON lines as in Lambda (to stdout); their metrics are embedded
    // metric format lines only CloudWatch reads, so locally they are not written.
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
  Object.assign(process.env, runtime);
  const aws = clients(direct);
  await ensureTable(aws.dynamodb, RESOURCE_NAMES.table);
  const queues = await ensureQueues(aws.sqs, emulators.sqs);
  await ensureBucket(aws.s3, RESOURCE_NAMES.bucket);
  await seedDefaultTenant(RESOURCE_NAMES.table, direct.dynamodb);
  // The one origin (API, OpenID provider, web app) listens first: its port names the issuer the
  // functions trust, and they read that at cold start.
  const gateway = await startGateway({ port: config.PSA_HTTP_PORT, webRoot: join(REPO_ROOT, 'web/dist') });
  const signIn = await startLocalSignIn({
    origin: gateway.origin,
    dataDir,
    tenants: tenantStore(RESOURCE_NAMES.table, direct.dynamodb),
    ...(config.PSA_ACCESS_TOKEN_TTL_SECONDS
      ? { accessTokenTtlSeconds: config.PSA_ACCESS_TOKEN_TTL_SECONDS }
      : {}),
    log,
  });
  gateway.mountSignIn(signIn);

  const names = {
    table: RESOURCE_NAMES.table,
    bus: RESOURCE_NAMES.bus,
    bucket: RESOURCE_NAMES.bucket,
    // The SQS client sends to the host of the queue URL: the functions get the injector's.
    queueUrls: chaos
      ? (Object.fromEntries(
          Object.entries(queues).map(([name, url]) => [name, `${called.sqs}${new URL(url).pathname}`]),
        ) as typeof queues)
      : queues,
  };
  // One clock for the runtime and every function it hosts: started at PSA_CLOCK_START, moved
  // only forward (PSA_CLOCK_CONTROL).
  setLocalClockOffset(config.PSA_CLOCK_START ? new Date(config.PSA_CLOCK_START).getTime() - Date.now() : 0);
  const options = {
    auth: { mode: 'jwks', issuer: signIn.issuer, audience: API_AUDIENCE },
    webUrl: gateway.origin,
    localClock: true,
  } as const;
  for (const fn of FUNCTIONS as readonly FunctionSpec[]) {
    const entry = pathToFileURL(join(REPO_ROOT, fn.entry)).href;
    handlers.set(
      fn.id,
      await loadFunction<HandlerModule>(entry, functionEnvironment(fn, names, options), runtime),
    );
  }

  // What a previous run accepted and did not finish is delivered first, then the schedules due.
  const recovered = queue.start();
  cleanup.push(() => queue.stop(Date.now()).then(() => undefined));
  const pendingAtStart = Object.values(recovered).reduce((a, b) => a + b, 0);
  if (pendingAtStart > 0)
    log(`resuming ${pendingAtStart} deliveries a previous run left pending`, JSON.stringify(recovered));
  const scheduler = new LocalScheduler({
    schedules: SCHEDULES,
    queue,
    store,
    policy: policy(ASYNC_DELIVERY.ticks.maxEventAgeSeconds),
    now: () => localClock.now().getTime(),
  });
  scheduler.start();
  cleanup.push(() => scheduler.stop());
  if (config.PSA_CLOCK_CONTROL === 'on') gateway.mountClock(clockControl({ queue, scheduler }));

  gateway.mountApi((functionId) => {
    const app = handlers.get(functionId)?.app;
    return (
      app && { fetch: (req, env) => invoking({ functionId, http: true }, async () => app.fetch(req, env)) }
    );
  });
  const http = gateway.origin;

  const mailPolicy = policy(ASYNC_DELIVERY.maxEventAgeSeconds);
  const smtp = await startSmtp({
    port: config.PSA_SMTP_PORT,
    tableName: RESOURCE_NAMES.table,
    bucket: RESOURCE_NAMES.bucket,
    accept: (event) => {
      queue.enqueue([{ lane: MAIL_LANE, functionId: 'IntakeEmail', payload: event, policy: mailPolicy }]);
    },
    closeTimeoutMs: DEFAULT_GRACE_MS,
    endpoints: direct,
  });
  cleanup.push(() => smtp.close());

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
    deadLetters,
  };
  await writeEndpoints(dataDir, endpoints);

  return {
    endpoints,
    bus,
    get dynamoCalls() {
      return emulators.dynamoCalls;
    },
    dynamoCallBreakdown: () => emulators.dynamoCallBreakdown(),
    recovered,
    runSchedule(id) {
      const schedule = SCHEDULES.find((s) => s.id === id);
      if (!schedule) throw new Error(`no schedule ${id}`);
      scheduler.fire(schedule);
    },
    async stop(opts = {}) {
      const deadline = Date.now() + (opts.graceMs ?? DEFAULT_GRACE_MS);
      scheduler.stop();
      // Stop accepting everywhere at once; then what is in flight finishes, within the grace.
      // The bus endpoint stays up meanwhile: requests and deliveries finishing publish events.
      const [cutRequests, , pendingDeliveries] = await Promise.all([
        gateway.drain(deadline),
        smtp.close(),
        queue.stop(deadline),
      ]);
      await bus.close();
      await chaos?.close();
      await ses.close();
      await emulators.stop();
      store.close();
      lock.release();
      return { cutRequests, pendingDeliveries };
    },
  };
}
