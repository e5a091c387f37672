import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoOutboxStore } from '@psa/aws/dynamo-outbox';
import { DynamoTicketStore } from '@psa/aws/dynamo-ticket-store';
import type { OutboxEntry } from '@psa/model/ports';
import { startTestTable, ticketFixture } from '@psa/testing/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as outbox } from '../src/cli/outbox.ts';
import { writeEndpoints } from '../src/endpoints.ts';

let table: Awaited<ReturnType<typeof startTestTable>>;
let dataDir: string;

beforeAll(async () => {
  table = await startTestTable();
  dataDir = await mkdtemp(join(tmpdir(), 'psa-outbox-cli-'));
  // What `npm start` writes: the CLI finds the local table through it.
  await writeEndpoints(dataDir, {
    http: 'http://127.0.0.1:1',
    web: 'http://127.0.0.1:1/',
    issuer: 'http://127.0.0.1:1/oidc',
    smtp: null,
    dynamodb: table.endpoint,
    sqs: 'http://127.0.0.1:1',
    s3: 'http://127.0.0.1:1',
    eventbridge: 'http://127.0.0.1:1',
    queues: { partner: 'http://q/p', internal: 'http://q/i', triage: 'http://q/t' },
    table: table.tableName,
    bucket: 'b',
  });
});
afterAll(async () => {
  await table.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const NOW = new Date('2026-11-03T15:00:00.000Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

async function run(args: string[]) {
  let printed = '';
  const code = await outbox(
    [...args, '--data-dir', dataDir],
    (l) => (printed += l),
    () => NOW,
  );
  return { code, report: JSON.parse(printed) };
}

const routed: OutboxEntry = {
  id: 'ev-1',
  kind: 'event',
  event: {
    source: 'psa.router',
    detailType: 'TicketRouted',
    detail: { tenantId: 'acme', ticketId: 't-old', requester: 'alice@acme.example' },
  },
};
const queued: OutboxEntry = {
  id: 'q-1',
  kind: 'queue',
  queue: 'partner',
  body: '{"subject":"Printer jammed"}',
  attributes: { tenantId: 'acme' },
};

describe('psa outbox against the local table', () => {
  it('prints nothing pending when every outbox was delivered', async () => {
    const { code, report } = await run([]);
    expect(code).toBe(0);
    expect(report).toEqual({
      records: 0,
      entries: 0,
      oldest: null,
      oldestAgeSeconds: null,
      truncated: false,
      pending: [],
    });
  });

  it('lists undelivered entries oldest first, with their age, summarised without their payload', async () => {
    const store = (at: Date) => new DynamoTicketStore(table.doc, table.tableName, () => at);
    const newer = await store(minutesAgo(2)).create(ticketFixture({ id: 't-new' }), [queued]);
    const older = await store(minutesAgo(30)).create(ticketFixture({ id: 't-old' }), [routed]);

    const { code, report } = await run([]);
    expect(code).toBe(0);
    expect(report).toMatchObject({
      records: 2,
      entries: 2,
      oldest: minutesAgo(30).toISOString(),
      oldestAgeSeconds: 1800,
      truncated: false,
    });
    expect(report.pending.map((p: { ageSeconds: number }) => p.ageSeconds)).toEqual([1800, 120]);
    expect(report.pending[0].record).toEqual({ pk: 'T#acme#K#t-old', sk: 'TICKET' });
    expect(report.pending[0].entries).toEqual([
      {
        id: 'ev-1',
        kind: 'event',
        source: 'psa.router',
        detailType: 'TicketRouted',
        tenantId: 'acme',
        ticketId: 't-old',
      },
    ]);
    expect(report.pending[1].entries).toEqual([
      { id: 'q-1', kind: 'queue', queue: 'partner', attributes: { tenantId: 'acme' } },
    ]);
    expect(JSON.stringify(report)).not.toContain('alice@acme.example');

    // --full shows whole entries; --limit cuts the list and says so.
    expect((await run(['--full'])).report.pending[1].entries).toEqual([queued]);
    const first = await run(['--limit', '1']);
    expect(first.report).toMatchObject({ records: 1, truncated: true, oldest: minutesAgo(30).toISOString() });

    // Once delivered (the reconciler clears them) they are gone from the list.
    const delivered = new DynamoOutboxStore(table.doc, table.tableName);
    await delivered.clear(older, ['ev-1']);
    await delivered.clear(newer, ['q-1']);
    expect((await run([])).report.records).toBe(0);
  });

  it('refuses a limit that is not a positive whole number', async () => {
    expect(await outbox(['--limit', '0', '--data-dir', dataDir], () => {})).toBe(2);
  });
});
