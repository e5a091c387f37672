import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoOutboxStore } from '@psa/aws/dynamo-outbox';
import { DynamoSlaStore, slaClockItem } from '@psa/aws/dynamo-sla-store';
import { DynamoTenantStore } from '@psa/aws/dynamo-tenant-store';
import { DynamoTicketStore } from '@psa/aws/dynamo-ticket-store';
import { ManualClock } from '@psa/model/clock';
import { DivisionOfWorkSchema } from '@psa/model/division-of-work';
import { defaultDivisionOfWork } from '@psa/model/division-of-work-default';
import type { SlaClockRecord } from '@psa/model/sla-clock';
import type { Ticket } from '@psa/model/ticket';
import { initialClocks } from '@psa/sla/domain/clocks';
import { sweepDueClocks } from '@psa/sla/domain/sweep';
import { startTestTable } from '@psa/testing/fixtures';
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

/**
 * One sweep over `open` open timers of which `due` are due now, on the real DynamoSlaStore over
 * an in-memory dynalite. The due ones are real tickets (partner P1, first-response warning due
 * 30 seconds ago); the rest are clocks of tickets that are not due for hours to weeks, spread
 * over the due index's hour buckets, loaded as precomputed items with BatchWrite.
 */
async function sweepWith(open: number, due: number) {
  const table = await startTestTable();
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
    const items: Record<string, unknown>[] = [];
    let template: SlaClockRecord | undefined;
    for (let i = 0; i < due; i++) {
      const t: Ticket = {
        tenantId: 'acme',
        id: `due-${i}`,
        number: 1000 + i,
        key: `ACME-${1000 + i}`,
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
      await tickets.create(t, []);
      for (const c of initialClocks(t, dow, new Date(receivedAt))) {
        items.push(slaClockItem(c, new Date(receivedAt)));
        template ??= c;
      }
    }
    // Not due: copies of a clock moved 1 hour to 30 days ahead, a different ticket each.
    const ahead = open - items.length;
    for (let i = 0; i < ahead; i++) {
      const fire = NOW.getTime() + HOUR + (i % (30 * 24)) * HOUR + (i % 60) * MINUTE;
      const c: SlaClockRecord = {
        ...template!,
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
    await batchLoad(table.doc, table.tableName, items);
    const loadMs = performance.now() - loadStart;

    // Steady state: the previous sweep ran a minute ago, so the watermark is current.
    await sla.advanceSweepMark(sla.dueWindowAt(new Date(NOW.getTime() - 10 * MINUTE)).start);
    const calls = countCalls(table.doc);
    const deps = {
      tickets,
      tenants,
      sla,
      outbox: new DynamoOutboxStore(table.doc, table.tableName),
      bus: { publish: async () => {} },
      clock,
      logger: { warn: () => {}, info: () => {} },
    };
    const t0 = performance.now();
    const result = await sweepDueClocks(deps);
    const ms = performance.now() - t0;
    const total = [...calls.values()].reduce((a, b) => a + b, 0);
    return { result, ms, calls: total, query: calls.get('QueryCommand') ?? 0, loadMs, loaded: items.length };
  } finally {
    await table.stop();
  }
}

/**
 * `npm run bench`: a sweep's cost with 100 timers due among 1,000 open, and among 100,000 open.
 * The due index is bucketed by hour of next fire, so the cost follows what is due: the ratio of
 * the two (time and DynamoDB calls) is the figure, and it should be near 1.
 */
export async function benchSla(): Promise<void> {
  await sweepWith(1_000, 100); // warm-up: the first sweep in a process pays for compiling its code
  const small = await sweepWith(1_000, 100);
  const large = await sweepWith(100_000, 100);
  for (const [name, r] of [
    ['sla sweep 100 due / 1k open', small],
    ['sla sweep 100 due / 100k open', large],
  ] as const) {
    report(name, {
      fired: r.result.fired,
      sweep_ms: r.ms,
      dynamo_calls: r.calls,
      queries: r.query,
      buckets: r.result.buckets,
      loaded: r.loaded,
      load_s: r.loadMs / 1000,
    });
  }
  report('sla sweep 100k/1k ratio', { time: large.ms / small.ms, dynamo_calls: large.calls / small.calls });
}
