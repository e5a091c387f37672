import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoReportStore } from '@psa/aws/dynamo-report-store';
import { countFacts } from '@psa/model/month-counters';
import type { TicketFact } from '@psa/model/report-facts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReporting } from './support.ts';

/**
 * The DynamoDB calls a fact write costs (what AWS bills and what caps the local pipeline): the
 * budget, counted on the emulator through the store's client. Counts, not timings.
 */
let r: Awaited<ReturnType<typeof startReporting>>;
let store: DynamoReportStore;
let calls: string[] = [];

beforeAll(async () => {
  r = await startReporting('2026-11-20T17:00:00.000Z');
  const doc = r.table.doc;
  const counting = new Proxy(doc, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver);
      return (command: { constructor: { name: string } }) => {
        calls.push(command.constructor.name.replace(/Command$/, ''));
        return (target.send as (c: unknown) => Promise<unknown>)(command);
      };
    },
  }) as DynamoDBDocumentClient;
  store = new DynamoReportStore(counting, r.table.tableName);
});
afterAll(() => r.stop());

function fact(ticketId: string, over: Partial<TicketFact> = {}): TicketFact {
  return {
    tenantId: 'acme',
    ticketId,
    key: `ACME-${ticketId}`,
    month: '2026-08',
    owner: 'partner',
    workload: 'password-reset',
    priority: 'P3',
    afterHours: false,
    alert: null,
    afterHoursHandoffsToInternal: 0,
    rule: 'workload-owner',
    handleMinutes: 15,
    status: 'new',
    receivedAt: '2026-08-10T15:00:00.000Z',
    firstRespondedAt: null,
    resolvedAt: null,
    sla: { firstResponse: null, resolution: null, nextUpdate: null },
    handoffs: { toInternal: 0, toPartner: 0, acceptance: [] },
    satisfaction: null,
    factVersion: 1,
    ...over,
  };
}

async function counted(write: () => Promise<unknown>): Promise<string[]> {
  calls = [];
  await write();
  return calls.sort();
}

describe('a fact write’s DynamoDB calls', () => {
  // Read the previous fact, store the fact with its change, add the change to its slice, clear
  // the change from the fact, count the month's write.
  const write = ['Get', 'Put', 'Update', 'Update', 'Update'];

  it('a new fact costs 5 even in a slice not counted yet (a fresh month, after a bulk load)', async () => {
    expect(await counted(() => store.putFact(fact('a01')))).toEqual(write);
  });

  it('a new or changed fact in a counted slice costs 5; the same state again or an older one costs 1', async () => {
    await store.monthCounters('acme', '2026-08');
    const changed = fact('a02', { factVersion: 2, owner: 'internal' });
    expect(await counted(() => store.putFact(fact('a02')))).toEqual(write);
    expect(await counted(() => store.putFact(changed))).toEqual(write);
    expect(await counted(() => store.putFact(changed))).toEqual(['Get']);
    expect(await counted(() => store.putFact(fact('a02', { factVersion: 1 })))).toEqual(['Get']);
    expect(await store.monthCounters('acme', '2026-08')).toEqual(
      countFacts(await store.listFacts('acme', '2026-08')),
    );
  });
});
