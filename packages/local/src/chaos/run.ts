import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DivisionOfWorkSchema } from '@psa/model/division-of-work';
import { defaultDivisionOfWork } from '@psa/model/division-of-work-default';
import { monthOf } from '@psa/model/month';
import { main as tokenCli } from '../cli/token.ts';
import type { Endpoints } from '../endpoints.ts';
import type { CallFaults, ChaosConfig, ChaosService } from './config.ts';
import { buildCorpus } from './corpus.ts';
import type { InjectedFault } from './journal.ts';
import { goals, judge, type Verdict } from './judge.ts';
import { drainQueues, newQueueTally, observe } from './observe.ts';
import { type Random, seeded } from './prng.ts';
import { type RuntimeProcess, startRuntime } from './runtime-process.ts';
import { type Delivery, pool, sendMail, submitWeb, type Target } from './traffic.ts';

export interface ChaosOptions {
  seed: string;
  /** Tickets to submit (web and mail mixed). */
  tickets: number;
  /** SIGKILLs (each followed by a restart on the same folder), at random moments of the load. */
  kills: number;
  /** Share of tickets sent as mail; of those, share of large ones (`largeKb` KB of text). */
  mailShare: number;
  largeShare: number;
  largeKb: [number, number];
  /** Faults of each AWS call the functions make. */
  calls: CallFaults;
  /** Other faults for the calls to some services. */
  services?: Partial<Record<ChaosService, CallFaults>>;
  /** How long a timeout holds a call. */
  timeoutMs: number;
  bus: { duplicate: number; reorder: number; reorderMaxMs: number };
  /** Per runtime start: that many bus outages, each this long, within its first 30 s. */
  outages: { perStart: number; durationMs: [number, number] };
  /** Clients in flight at once. */
  concurrency: number;
  /** At the last restart the runtime's clock jumps this far ahead, so SLA clocks come due under faults. */
  clockJumpMinutes: number;
  /** Faults stay on this long after the last ticket is acknowledged. */
  tailMs: number;
  /** After the faults stop, how long the system may take to converge. */
  convergeTimeoutMs: number;
  /** Keep the data folder (it is always kept when a goal fails). */
  keepDataDir?: boolean;
  log?: (line: string) => void;
}

/** The defaults of `npm run chaos`. */
export const CHAOS_DEFAULTS: Omit<ChaosOptions, 'seed'> = {
  tickets: 1_000,
  kills: 3,
  mailShare: 0.35,
  largeShare: 0.08,
  largeKb: [150, 380],
  calls: { throttle: 0.03, error: 0.02, timeout: 0.005, lostResponse: 0.02 },
  timeoutMs: 2_000,
  bus: { duplicate: 0.05, reorder: 0.1, reorderMaxMs: 3_000 },
  outages: { perStart: 1, durationMs: [2_000, 8_000] },
  concurrency: 12,
  clockJumpMinutes: 180,
  tailMs: 20_000,
  convergeTimeoutMs: 600_000,
};

export interface ChaosReport {
  seed: string;
  options: Omit<ChaosOptions, 'log'>;
  planned: { tickets: number; web: number; mail: number; largeMails: number; withOddCharacters: number };
  figures: Verdict;
  faults: {
    calls: Record<string, number>;
    byService: Record<string, number>;
    bus: Record<string, number>;
    kills: number;
    deadLetters: number;
    clientRetries: { answers: Record<string, number>; noAnswer: number };
  };
  timing: {
    runMs: number;
    loadMs: number;
    lastKillAt: string | null;
    faultsOffAt: string;
    /** From the moment the faults stopped to the first audit that met every goal; null: never. */
    convergedAfterMs: number | null;
  };
  goals: Record<string, boolean>;
  passed: boolean;
  /** Where the data folder is, when kept. */
  dataDir: string | null;
}

/** The runtime's clock starts on a Wednesday at 09:30 in the default tenant's zone (internal hours). */
const CLOCK_START = Date.parse('2025-06-11T13:30:00Z');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A promise with its resolver, for the endpoints of a runtime still starting. */
function gate(): { promise: Promise<Endpoints>; open: (e: Endpoints) => void } {
  let open!: (e: Endpoints) => void;
  const promise = new Promise<Endpoints>((r) => {
    open = r;
  });
  return { promise, open };
}

/**
 * A chaos run: the local runtime started as a user starts it, on a fresh data folder, with the
 * fault injector on; tickets submitted over HTTP and SMTP by well-behaved clients; the process
 * SIGKILLed and restarted at random moments; then the faults stop and the run waits until the
 * system has converged (or the time is up) and judges it from outside: the API, the queues,
 * the bus's archive.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => {});
  const t0 = Date.now();
  const random = seeded(options.seed);
  const items = buildCorpus(random.fork('corpus'), options.tickets, {
    mailShare: options.mailShare,
    largeShare: options.largeShare,
    requesters: 8,
    largeKb: options.largeKb,
  });
  const killAt = killPlan(random.fork('kills'), options);
  const dataDir = await mkdtemp(join(tmpdir(), 'psa-chaos-'));
  const chaosFile = join(dataDir, 'chaos.json');
  const dow = DivisionOfWorkSchema.parse(defaultDivisionOfWork('acme'));
  const month = monthOf(new Date(CLOCK_START), dow.timeZone);
  log(
    `chaos run, seed ${options.seed}: ${items.length} tickets, ${killAt.length} kills, data folder ${dataDir}`,
  );

  let starts = 0;
  const writeConfig = (enabled: boolean) => {
    const r = random.fork(`faults/${starts}`);
    const config: ChaosConfig = {
      enabled,
      seed: `${options.seed}/${starts}`,
      calls: options.calls,
      services: options.services ?? {},
      timeoutMs: options.timeoutMs,
      bus: {
        ...options.bus,
        outages: Array.from({ length: options.outages.perStart }, () => ({
          startMs: r.int(0, 30_000),
          durationMs: r.int(...options.outages.durationMs),
        })),
      },
    };
    return writeFile(chaosFile, `${JSON.stringify(config, null, 2)}\n`);
  };

  // The runtime's clock: continuous across restarts (never back), with one jump at the last restart.
  let clockStart = CLOCK_START;
  let spawnedAt = 0;
  let readyAt = 0;
  const start = async (): Promise<RuntimeProcess> => {
    await writeConfig(true);
    spawnedAt = Date.now();
    const p = await startRuntime(
      dataDir,
      { PSA_CHAOS: chaosFile, PSA_CLOCK_START: new Date(clockStart).toISOString() },
      join(dataDir, `runtime-${starts}.log`),
    );
    readyAt = Date.now();
    starts++;
    return p;
  };
  /** No later than the runtime's clock now. */
  const runtimeNow = () => clockStart + (Date.now() - readyAt);

  let runtime = await start();
  let target = gate();
  target.open(runtime.endpoints);
  const current: Target = { ready: () => target.promise };
  const internal = await mint(dataDir, [
    '--tenant',
    'acme',
    '--role',
    'internal',
    '--email',
    'chaos@acme.example',
  ]);
  const requesters = new Map<string, string>();
  for (const item of items)
    if (!requesters.has(item.from))
      requesters.set(
        item.from,
        await mint(dataDir, ['--tenant', 'acme', '--role', 'requester', '--email', item.from]),
      );

  // The load, and the kills at their moments.
  const deliveries: Delivery[] = [];
  let acked = 0;
  let loading = true;
  let lastKillAt: number | null = null;
  let kills = 0;
  const loadStart = Date.now();
  const load = pool(
    items,
    options.concurrency,
    (item) =>
      item.channel === 'web' ? submitWeb(item, requesters.get(item.from)!, current) : sendMail(item, current),
    (d) => {
      deliveries.push(d);
      if (d.acknowledged) acked++;
    },
  ).finally(() => {
    loading = false;
  });
  for (const [i, threshold] of killAt.entries()) {
    while (loading && acked < threshold) await sleep(25);
    if (!loading) break;
    target = gate();
    const killedAt = Date.now();
    await runtime.kill();
    lastKillAt = Date.now();
    kills++;
    log(`SIGKILL ${i + 1}/${killAt.length} at ${acked} acknowledged`);
    clockStart += killedAt - spawnedAt;
    const last = i === killAt.length - 1;
    if (last) clockStart += options.clockJumpMinutes * 60_000;
    await sleep(random.int(0, 1_000));
    runtime = await start();
    target.open(runtime.endpoints);
    log(
      `restarted${last && options.clockJumpMinutes ? `, clock ${options.clockJumpMinutes} minutes ahead` : ''}`,
    );
  }
  await load;
  const loadMs = Date.now() - loadStart;
  log(
    `load done in ${loadMs} ms: ${acked} of ${items.length} acknowledged; faults on for ${options.tailMs} ms more`,
  );
  await sleep(options.tailMs);
  await writeConfig(false);
  const faultsOffAt = Date.now();
  // The runtime polls its chaos file every 250 ms.
  await sleep(600);
  log('faults off; waiting for the system to converge');

  const tally = newQueueTally();
  let verdict: Verdict | undefined;
  let seen: Awaited<ReturnType<typeof observe>> | undefined;
  let convergedAt: number | null = null;
  const deadline = Date.now() + options.convergeTimeoutMs;
  let lastProgress = Date.now();
  for (;;) {
    const auditStart = Date.now();
    try {
      await drainQueues(runtime.endpoints, tally);
      seen = await observe({ endpoints: runtime.endpoints, dataDir, token: internal, month });
      // Whatever fell due two sweeps (a minute each) ago has had its chance to fire.
      verdict = judge({ deliveries, seen, tally, dow, month, slaHorizon: runtimeNow() - 150_000 });
      const missed = Object.entries(goals(verdict)).filter(([, ok]) => !ok);
      if (missed.length === 0) {
        convergedAt = Date.now();
        break;
      }
      if (Date.now() - lastProgress > 10_000) {
        lastProgress = Date.now();
        const v = verdict;
        log(
          `not converged yet (${missed.map(([goal]) => goal).join('; ')}): lost ${v.lost.count}, ` +
            `unrouted ${v.unrouted.count}${v.unrouted.samples[0] ? ` (${v.unrouted.samples[0]})` : ''}, undispatched ${v.queue.undispatched.count}, SLA missing ` +
            `${v.sla.never.count}, report differences ${v.reports.differences.length}${v.reports.differences[0] ? ` (${v.reports.differences[0]})` : ''}`,
        );
      }
    } catch (err) {
      log(`audit failed, trying again: ${(err as Error).message}`);
    }
    if (Date.now() > deadline) break;
    // An audit reads every ticket through the API: leave the runtime at least as long to work.
    await sleep(Math.max(3_000, Date.now() - auditStart));
  }
  await runtime.stop();
  if (!verdict || !seen) throw new Error('the audit never completed');

  const passedGoals = goals(verdict);
  const passed = Object.values(passedGoals).every(Boolean);
  const keep = options.keepDataDir || !passed;
  if (!keep) await rm(dataDir, { recursive: true, force: true });
  const tallyBy = (xs: readonly InjectedFault[], key: 'kind' | 'service') => {
    const out: Record<string, number> = {};
    for (const x of xs) out[x[key]] = (out[x[key]] ?? 0) + 1;
    return out;
  };
  const callFaults = seen.faults.filter((f) => f.service !== 'bus' && f.kind !== 'outage');
  const clientRetries = { answers: {} as Record<string, number>, noAnswer: 0 };
  for (const d of deliveries) {
    clientRetries.noAnswer += d.retried.noAnswer;
    for (const [s, n] of Object.entries(d.retried.status))
      clientRetries.answers[s] = (clientRetries.answers[s] ?? 0) + n;
  }
  const { log: _log, ...rest } = options;
  return {
    seed: options.seed,
    options: rest,
    planned: {
      tickets: items.length,
      web: items.filter((i) => i.channel === 'web').length,
      mail: items.filter((i) => i.channel === 'mail').length,
      largeMails: items.filter((i) => i.large).length,
      withOddCharacters: items.filter((i) => i.odd.length > 0).length,
    },
    figures: verdict,
    faults: {
      calls: tallyBy(callFaults, 'kind'),
      byService: tallyBy(callFaults, 'service'),
      bus: tallyBy(
        seen.faults.filter((f) => f.service === 'bus' || f.kind === 'outage'),
        'kind',
      ),
      kills,
      deadLetters: seen.deadLetters,
      clientRetries,
    },
    timing: {
      runMs: Date.now() - t0,
      loadMs,
      lastKillAt: lastKillAt === null ? null : new Date(lastKillAt).toISOString(),
      faultsOffAt: new Date(faultsOffAt).toISOString(),
      convergedAfterMs: convergedAt === null ? null : convergedAt - faultsOffAt,
    },
    goals: passedGoals,
    passed,
    dataDir: keep ? dataDir : null,
  };
}

/** The acknowledged counts at which to kill: random, apart, within the load's middle 80 %. */
function killPlan(random: Random, options: Pick<ChaosOptions, 'kills' | 'tickets'>): number[] {
  return Array.from({ length: options.kills }, () =>
    Math.round(options.tickets * (0.1 + 0.8 * random.next())),
  ).sort((a, b) => a - b);
}

async function mint(dataDir: string, args: string[]): Promise<string> {
  let token = '';
  const code = await tokenCli([...args, '--data-dir', dataDir, '--expires', '24h'], (l) => {
    token = l;
  });
  if (code !== 0) throw new Error(`psa token ${args.join(' ')} exited ${code}`);
  return token;
}
