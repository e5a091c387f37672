import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@psa/aws/dynamo-client';
import { DynamoTicketStore } from '@psa/aws/dynamo-ticket-store';
import { indexesAtUpgradeStep, RETIRED_INDEXES, TABLE_INDEXES } from '@psa/aws/table';
import { attributeDefinitions, projectionFor } from '@psa/aws/table-admin';
import { isOpenStatus, type Ticket } from '@psa/model/ticket';
import { startTestTable, ticketFixture } from '@psa/testing/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The ticket-list indexes carry keys, id, owner and status only; the lists read the tickets they
 * name from the table. These tests hold every list to what it returned when the indexes carried
 * whole tickets: the same tickets, every field, in the same order, with the same paging.
 */
let table: Awaited<ReturnType<typeof startTestTable>>;
beforeAll(async () => {
  table = await startTestTable();
});
afterAll(() => table.stop());

const TENANT = 'lists';
const at = (day: number) => `2026-10-${String(day).padStart(2, '0')}T09:00:00.000Z`;

/** Six tickets across owners, statuses and requesters; one with a history long enough to spill. */
async function seed(store: DynamoTicketStore, tenantId = TENANT): Promise<Ticket[]> {
  const specs: Partial<Ticket>[] = [
    { owner: 'internal', status: 'acknowledged', requester: { email: 'ann@lists.example' } },
    { owner: 'partner', status: 'acknowledged', requester: { email: 'bob@lists.example' } },
    { owner: 'triage', status: 'acknowledged', requester: { email: 'ann@lists.example' } },
    { owner: 'internal', status: 'resolved', requester: { email: 'ann@lists.example' } },
    { owner: null, status: 'new', requester: { email: 'bob@lists.example' } },
    { owner: 'partner', status: 'in_progress', requester: { email: 'ann@lists.example' } },
  ];
  const tickets: Ticket[] = [];
  for (const [i, spec] of specs.entries()) {
    const t = ticketFixture({ tenantId, receivedAt: at(i + 1), body: `details ${'x'.repeat(500)}`, ...spec });
    await store.create(t, []);
    tickets.push(t);
  }
  // A ticket whose history no longer fits on its item: the list reads the moved entries too.
  const long = tickets[5]!;
  const history: Ticket['history'] = Array.from({ length: 400 }, (_, i) => ({
    from: 'acknowledged',
    to: 'in_progress',
    at: at(6),
    by: { role: 'internal', email: `agent-${i}@lists.example` },
    note: 'n'.repeat(200),
  }));
  await store.update({ ...long, history, version: long.version + 1 }, []);
  // The tickets as the store reads them one by one: what every list must return.
  return Promise.all(tickets.map(async (t) => (await store.get(tenantId, t.id))!));
}

const newestFirst = (tickets: Ticket[]) =>
  [...tickets].sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));

async function pages(store: DynamoTicketStore, query: Parameters<DynamoTicketStore['list']>[0]) {
  const items: Ticket[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list({ ...query, ...(cursor ? { cursor } : {}) });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

describe('lists through the narrow ticket-list indexes', () => {
  let store: DynamoTicketStore;
  let tickets: Ticket[];
  beforeAll(async () => {
    store = new DynamoTicketStore(table.doc, table.tableName);
    tickets = await seed(store);
  });

  it('index entries carry the keys, id, owner and status, nothing of the ticket besides', async () => {
    for (const [index, pk] of [
      [TABLE_INDEXES.tickets, `T#${TENANT}#TICKETS`],
      [TABLE_INDEXES.requester, `T#${TENANT}#REQ#ann@lists.example`],
      [TABLE_INDEXES.partnerVisible, `T#${TENANT}#PARTNER`],
    ] as const) {
      const out = await table.doc.send(
        new QueryCommand({
          TableName: table.tableName,
          IndexName: index.name,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': index.pk },
          ExpressionAttributeValues: { ':pk': pk },
        }),
      );
      expect(out.Items?.length).toBeGreaterThan(0);
      for (const entry of out.Items ?? [])
        expect(Object.keys(entry).sort()).toEqual(
          ['id', index.pk, index.sk, 'owner', 'pk', 'sk', 'status'].sort(),
        );
    }
  });

  it('the console list returns whole tickets newest first, by page, filtered by owner and status', async () => {
    expect(await pages(store, { tenantId: TENANT, limit: 2 })).toEqual(newestFirst(tickets));
    expect(await pages(store, { tenantId: TENANT, limit: 4, status: 'acknowledged' })).toEqual(
      newestFirst(tickets.filter((t) => t.status === 'acknowledged')),
    );
    expect(await pages(store, { tenantId: TENANT, limit: 3, owner: 'internal' })).toEqual(
      newestFirst(tickets.filter((t) => t.owner === 'internal')),
    );
  });

  it("the partner's list holds partner- and triage-owned tickets, whole", async () => {
    expect(await pages(store, { tenantId: TENANT, limit: 2, owner: ['partner', 'triage'] })).toEqual(
      newestFirst(tickets.filter((t) => t.owner === 'partner' || t.owner === 'triage')),
    );
  });

  it("a requester's own tickets, whole, and none of anybody else's", async () => {
    const mine = await pages(store, { tenantId: TENANT, limit: 2, requesterEmail: 'Ann@lists.example' });
    expect(mine).toEqual(newestFirst(tickets.filter((t) => t.requester.email === 'ann@lists.example')));
  });

  it('open tickets per owner (backlog, urgent sort) and their counts (overflow)', async () => {
    for (const owner of ['internal', 'partner', 'triage'] as const) {
      const open = tickets.filter((t) => t.owner === owner && isOpenStatus(t.status));
      const listed = await store.listOpen(TENANT, owner);
      expect(listed.sort((a, b) => a.id.localeCompare(b.id))).toEqual(
        open.sort((a, b) => a.id.localeCompare(b.id)),
      );
      expect(await store.countOpen(TENANT, owner)).toBe(open.length);
      expect(await store.countOpen(TENANT, owner, 1)).toBe(Math.min(1, open.length));
    }
  });
});

describe('a table deployed before the narrow indexes (a stage mid-upgrade)', () => {
  it('lists from the retired indexes while their successors are missing', async () => {
    const config = {
      endpoint: table.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    };
    // The layout before the upgrade: the retired indexes, projecting every attribute.
    const before = indexesAtUpgradeStep(0);
    await new DynamoDBClient(config).send(
      new CreateTableCommand({
        TableName: 'before-upgrade',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributeDefinitions(),
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: before.map((idx) => ({
          IndexName: idx.name,
          KeySchema: [
            { AttributeName: idx.pk, KeyType: 'HASH' },
            { AttributeName: idx.sk, KeyType: 'RANGE' },
          ],
          Projection: projectionFor(idx),
        })),
      }),
    );
    expect(before.map((i) => i.name)).toEqual(
      expect.arrayContaining(Object.values(RETIRED_INDEXES).map((i) => i.name)),
    );
    expect(before.map((i) => i.name)).not.toContain(TABLE_INDEXES.tickets.name);
    const store = new DynamoTicketStore(createDocumentClient(config), 'before-upgrade');
    const tickets = await seed(store, 'old');
    expect(await pages(store, { tenantId: 'old', limit: 4 })).toEqual(newestFirst(tickets));
    expect(await store.countOpen('old', 'partner')).toBe(2);
    expect((await store.listOpen('old', 'triage')).map((t) => t.id)).toEqual([tickets[2]!.id]);
  });
});
