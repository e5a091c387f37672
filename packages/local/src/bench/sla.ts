import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@psa/aws/dynamo-client';
import { DynamoOutboxStore } from '@psa/aws/dynamo-outbox';
import { DynamoSlaStore, slaClockItem } from '@psa/aws/dynamo-sla-store';
import { DynamoTenantStore } from '@psa/aws/dynamo-tenant-store';
import { DynamoTicketStore } from '@psa/aws/dynamo-ticket-store';
import { ensureTable } from '@psa/aws/table-admin';
import { ManualClock } from '@psa/model/clock';
import { DivisionOfWorkSchema } from '@psa/model/division-of-work';
import { defaultDivisionOfWork } from '@psa/model/division-of-work-default';
import type { SlaClockRecord } from '@psa/model/sla-clock';
import type { Ticket } from '@psa/model/ticket';
import { initialClocks } from '@psa/sla/domain/clocks';
import { sweepDueClocks } from '@psa/sla/domain/sweep';
import { startDynamoEmulator } from '../emulators.ts';
import { report } from './stats.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = new Date('2026-11-23T15:30:00.000Z');

/** Count the DynamoDB commands a client sends, by name. */
function countCalls(doc: DynamoDBDocumentClient): Map<string, number> {
  const calls = new Map<string, number>();
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      calls.set(context.commandName ?? '?', (calls.get(context.commandName ?? '?') ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'benchCallCounter' },
  );
  return calls;
}

/**
 * The table of the sweep benchmark: the runtime's own DynamoDB emulator (a worker thread, LevelDB
 * in a temporary folder), so the 100,000 idle clocks can be imported as DynamoDB imports a table
 * from S3, rather than written one request at a time; the sweeps go through the API as ever.
 */
async function startBenchTable() {
  const dir = await mkdtemp(join(tmpdir(), 'psa-bench-sla-'));
  const emulator = await startDynamoEmulator(dir);
  const config = {
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  };
  const tableName = 'psa-bench';
  const admin = new DynamoDBClient(config);
  await ensureTable(admin, tableName);
  admin.destroy();
  const doc = createDocumentClient(config);
  return {
    doc,
    tableName,
    emulator,
    stop: async () => {
      doc.destroy();
      await emulator.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Items an import request carries. */
const IMPORT_CHUNK = 5_000;

/** A plain item in DynamoDB's JSON (the few types a clock item holds). */
function toDynamoJson(item: Record<string, unknown>): Record<string, unknown> {
  const value = (v: unknown): unknown => {
    if (v === null) return { NULL: true };
    if (typeof v === 'string') return { S: v };
    if (typeof v === 'number') return { N: String(v) };
    if (typeof v === 'boolean') return { BOOL: v };
    if (Array.isArray(v)) return { L: v.map(value) };
    if (typeof v === 'object')
      return {
        M: Object.fromEntries(
          Object.entries(v as Record<string, unknown>)
            .filter(([, x]) => x !== undefined)
            .map(([k, x]) => [k, value(x)]),
        ),
      };
    throw new Error(`bench: cannot store ${typeof v}`);
  };
  return Object.fromEntries(
    Object.entries(item)
      .filter(([, x]) => x !== undefined)
      .map(([k, x]) => [k, value(x)]),
  );
}

/** BatchWrite (25 items a request, AWS's limit), many requests in flight. */
async function batchLoad(doc: DynamoDBDocumentClient, tableName: string, items: Record<string, unknown>[]) {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < batches.length) {
        let requests = batches[next++]!.map((Item) => ({ PutRequest: { Item } }));
        while (requests.length > 0) {
          const out = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
          requests = (out.UnprocessedItems?.[tableName] ?? []) as typeof requests;
        }
      }
    }),
  );
}

/** A ticket with partner P1 first-response clocks whose 0.75 warning fell due 30 seconds ago. */
function dueTicket(id: string, number: number, receivedAt: string): Ticket {
  return {
    tenantId: 'acme',
    id,
    number,
    key: `ACME-${number}`,
    subject: 'VPN down',
    body: 'bench',
    channel: 'api',
    requester: { email: 'bench@acme.example' },
    requestedPriority: null,
    status: 'new',
    owner: 'partner',
    workload: 'connectivity',
    priority: 'P1',
    afterHours: false,
    routing: null,
    handleMinutes: 30,
    receivedAt,
    updatedAt: receivedAt,
    firstRespondedAt: null,
    resolvedAt: null,
    history: [],
    replyTo: null,
    handoffs: [],
    occurrences: 1,
    version: 2,
  };
}

/**
 * `sweeps` sweeps over `open` open timers of which `due` are due now, on the real DynamoSlaStore
 * over an in-memory dynalite. The due ones are real tickets (partner P1, first-response warning
 * due 30 seconds ago), new ones for each sweep (a sweep fires what it finds, so the next has to
 * find its own); the rest are clocks of tickets that are not due for hours to weeks, spread over
 * the due index's hour buckets, loaded once as precomputed items with BatchWrite.
 */
async function sweepsWith(open: number, due: number, sweeps: number) {
  const table = await startBenchTable();
  try {
    const clock = new ManualClock(NOW);
    const now = () => clock.now();
    const dow = DivisionOfWorkSchema.parse(defaultDivisionOfWork());
    const tenants = new DynamoTenantStore(table.doc, table.tableName);
    await tenants.putDivisionOfWork(dow);
    const tickets = new DynamoTicketStore(table.doc, table.tableName, now);
    const sla = new DynamoSlaStore(table.doc, table.tableName, now);

    // Due: 0.75 of the 15-minute first response (11m15s) fell due 30 seconds ago.
    const receivedAt = new Date(NOW.getTime() - 11.25 * MINUTE - 30_000).toISOString();
    const templates = initialClocks(dueTicket('template', 999, receivedAt), dow, new Date(receivedAt));
    const template = templates[0]!;
    const addDue = async (round: number) => {
      const items: Record<string, unknown>[] = [];
      for (let i = 0; i < due; i++) {
        const t = dueTicket(`due-${round}-${i}`, 1000 + round * due + i, receivedAt);
        await tickets.create(t, []);
        for (const c of initialClocks(t, dow, new Date(receivedAt)))
          items.push(slaClockItem(c, new Date(receivedAt)));
      }
      await batchLoad(table.doc, table.tableName, items);
    };
    // Not due: copies of a clock moved 1 hour to 30 days ahead, a different ticket each.
    const items: Record<string, unknown>[] = [];
    for (let i = 0; i < open - due * templates.length; i++) {
      const fire = NOW.getTime() + HOUR + (i % (30 * 24)) * HOUR + (i % 60) * MINUTE;
      const c: SlaClockRecord = {
        ...template,
        ticketId: `later-${i}`,
        startedAt: new Date(fire - 12 * MINUTE).toISOString(),
        warnAt: {
          '0.75': new Date(fire).toISOString(),
          '0.9': new Date(fire + 2 * MINUTE).toISOString(),
        },
        dueAt: new Date(fire + 3 * MINUTE).toISOString(),
      };
      items.push(slaClockItem(c, NOW));
    }
    const loadStart = performance.now();
    // In chunks, so the next is converted here while the emulator's thread writes the last.
    const imports: Promise<number>[] = [];
    for (let i = 0; i < items.length; i += IMPORT_CHUNK) {
      imports.push(
        table.emulator.importItems(table.tableName, items.slice(i, i + IMPORT_CHUNK).map(toDynamoJson)),
      );
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(imports);
    const loadMs = performance.now() - loadStart;

    const deps = {
      tickets,
      tenants,
      sla,
      outbox: new DynamoOutboxStore(table.doc, table.tableName),
      bus: { publish: async () => {} },
      clock,
      logger: { warn: () => {}, info: () => {} },
    };
    const calls = countCalls(table.doc);
    const runs: { ms: number; calls: number; queries: number; fired: number; buckets: number }[] = [];
    for (let round = 0; round < sweeps; round++) {
      await addDue(round);
      // Steady state: the previous sweep ran a minute ago, so the watermark is current.
      await sla.advanceSweepMark(sla.dueWindowAt(new Date(NOW.getTime() - 10 * MINUTE)).start);
      calls.clear();
      const t0 = performance.now();
      const result = await sweepDueClocks(deps);
      const ms = performance.now() - t0;
      runs.push({
        ms,
        calls: [...calls.values()].reduce((a, b) => a + b, 0),
        queries: calls.get('QueryCommand') ?? 0,
        fired: result.fired,
        buckets: result.buckets,
      });
    }
    const median = <K extends keyof (typeof runs)[number]>(k: K) =>
      runs.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
    return {
      ms: median('ms'),
      calls: median('calls'),
      queries: median('queries'),
      fired: median('fired'),
      buckets: median('buckets'),
      loadMs,
      loaded: items.length,
    };
  } finally {
    await table.stop();
  }
}

/** The goals: a sweep's time follows what is due, not what is open; 100,000 clocks load quickly. */
const GOALS = { ratio: 1.3, loadSeconds: 10 };

/**
 * `npm run bench`: a sweep's cost with 100 timers due among 1,000 open, and among 100,000 open,
 * each the median of 5 sweeps. The due index is bucketed by hour of next fire, so the cost
 * follows what is due: the ratio of the two (time and DynamoDB calls) is the figure, near 1.
 */
export async function benchSla(sweeps = 5): Promise<void> {
  await sweepsWith(1_000, 100, 1); // warm-up: the first sweep in a process pays for compiling its code
  const small = await sweepsWith(1_000, 100, sweeps);
  const large = await sweepsWith(100_000, 100, sweeps);
  for (const [name, r] of [
    ['sla sweep 100 due / 1k open', small],
    ['sla sweep 100 due / 100k open', large],
  ] as const) {
    report(name, {
      fired: r.fired,
      sweep_ms: r.ms,
      dynamo_calls: r.calls,
      queries: r.queries,
      buckets: r.buckets,
      loaded: r.loaded,
      load_s: r.loadMs / 1000,
    });
  }
  const ratio = large.ms / small.ms;
  report('sla sweep 100k/1k ratio', {
    time: ratio,
    dynamo_calls: large.calls / small.calls,
    goal: `time <= ${GOALS.ratio}x (median of ${sweeps})`,
    met: ratio <= GOALS.ratio ? 'yes' : 'NO',
  });
  const loadS = large.loadMs / 1000;
  report('sla load 100k clocks', {
    seconds: loadS,
    goal: `<= ${GOALS.loadSeconds} s`,
    met: loadS <= GOALS.loadSeconds ? 'yes' : 'NO',
  });
}
