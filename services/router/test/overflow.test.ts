import { DynamoOutboxStore } from '@psa/aws/dynamo-outbox';
import { DynamoTenantStore } from '@psa/aws/dynamo-tenant-store';
import { DynamoTicketStore } from '@psa/aws/dynamo-ticket-store';
import { ManualClock } from '@psa/model/clock';
import { DivisionOfWorkSchema } from '@psa/model/division-of-work';
import { defaultDivisionOfWork } from '@psa/model/division-of-work-default';
import type { Owner, Ticket } from '@psa/model/ticket';
import { RecordingBus, RecordingQueue, silentLogger } from '@psa/testing/fakes';
import { startTestTable, ticketFixture } from '@psa/testing/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RouteDeps, routeTicket } from '../src/domain/route-ticket.ts';

/**
 * The overflow rule against the internal backlog counted in the table: the count goes out with
 * the routing reads, bounded by the limit the container last read, and must stay exact.
 */

/** Tue 2026-06-16 10:00 in New York: internal business hours under the default division of work. */
const BUSINESS_HOURS = '2026-06-16T14:00:00.000Z';

let table: Awaited<ReturnType<typeof startTestTable>>;
let tickets: DynamoTicketStore;
let queue: RecordingQueue;
let deps: RouteDeps & { queue: RecordingQueue };

beforeEach(async () => {
  table = await startTestTable();
  const clock = new ManualClock('2026-06-16T14:00:05.000Z');
  tickets = new DynamoTicketStore(table.doc, table.tableName, () => clock.now());
  const tenants = new DynamoTenantStore(table.doc, table.tableName);
  await tenants.putDivisionOfWork(DivisionOfWorkSchema.parse(defaultDivisionOfWork()));
  queue = new RecordingQueue();
  deps = {
    tickets,
    tenants,
    outbox: new DynamoOutboxStore(table.doc, table.tableName),
    bus: new RecordingBus(),
    queue,
    clock,
    logger: silentLogger('router-test'),
  };
});
afterEach(() => table.stop());

const received = (over: Partial<Ticket> = {}): Ticket =>
  ticketFixture({
    channel: 'web',
    requester: { email: 'pat@acme.example', name: 'Pat' },
    receivedAt: BUSINESS_HOURS,
    ...over,
  });

async function store(t: Ticket): Promise<Ticket> {
  await tickets.create(t, []);
  return t;
}

const route = (t: Ticket) => routeTicket({ tenantId: t.tenantId, ticketId: t.id }, deps);

describe('overflow', () => {
  async function openInternalBacklog(n: number) {
    for (let i = 0; i < n; i++) {
      await tickets.create(
        received({ owner: 'internal', status: 'new', workload: 'general-request', priority: 'P4' }),
        [],
      );
    }
    expect(await tickets.countOpen('acme', 'internal')).toBe(n);
  }
  const laptop = () =>
    received({ subject: "Laptop won't turn on", body: "I spilled coffee on it and now it won't turn on." });

  it('sends a hardware ticket to the partner while 26 internal tickets are open', async () => {
    await openInternalBacklog(26);
    const t = await store(laptop());

    await route(t);

    const stored = await tickets.get('acme', t.id);
    expect(stored).toMatchObject({ owner: 'partner', workload: 'hardware' });
    expect(stored?.routing?.rule).toBe('overflow');
    expect(stored?.routing?.flags.overflow).toBe(true);
    expect(stored?.routing?.reasons.join(' ')).toContain(
      'internal open backlog 26 exceeds the overflow limit 25',
    );
    expect(queue.sent.map((s) => s.queue)).toEqual(['partner']);
    expect(queue.sent[0]?.message.attributes).toMatchObject({ owner: 'partner', workload: 'hardware' });
  });

  it('keeps a hardware ticket internal at 25 open internal tickets, the limit itself', async () => {
    await openInternalBacklog(25);
    const t = await store(laptop());

    await route(t);

    const stored = await tickets.get('acme', t.id);
    expect(stored).toMatchObject({ owner: 'internal', workload: 'hardware' });
    expect(stored?.routing?.rule).toBe('workload-owner');
    expect(queue.sent.map((s) => s.queue)).toEqual(['internal']);
  });

  it('counts each routed ticket in the next one’s backlog when they arrive back to back', async () => {
    await openInternalBacklog(24);
    const routedOneAfterAnother: { owner: Owner | null; rule?: string; overflow?: boolean }[] = [];
    for (let i = 0; i < 4; i++) {
      // One at a time, as the routing lane delivers them: each decision is stored before the next read.
      const { ticket } = await route(await store(laptop()));
      routedOneAfterAnother.push({
        owner: ticket.owner,
        rule: ticket.routing?.rule,
        overflow: ticket.routing?.flags.overflow,
      });
    }

    // 24 and 25 open: internal (the limit is 25); then 26 open: the partner, and it stays there.
    expect(routedOneAfterAnother).toEqual([
      { owner: 'internal', rule: 'workload-owner', overflow: false },
      { owner: 'internal', rule: 'workload-owner', overflow: false },
      { owner: 'partner', rule: 'overflow', overflow: true },
      { owner: 'partner', rule: 'overflow', overflow: true },
    ]);
    expect(await tickets.countOpen('acme', 'internal')).toBe(26);

    // A ticket resolved between two routings frees a place for the very next one.
    const [first] = await tickets.listOpen('acme', 'internal');
    await tickets.update({ ...first!, status: 'resolved', version: first!.version + 1 }, []);
    const { ticket: next } = await route(await store(laptop()));
    expect(next.owner).toBe('internal');
    expect(next.routing?.flags.overflow).toBe(false);
  });

  it('counts the backlog in the same round trip as the routing reads once the limit is known', async () => {
    await route(await store(laptop())); // the container learns the tenant's overflow limit
    const t = await store(laptop());
    const calls: string[] = [];
    let answer: () => void = () => {};
    const watched = Object.assign(Object.create(tickets) as DynamoTicketStore, {
      get: async (tenantId: string, id: string) => {
        calls.push('ticket read');
        await new Promise<void>((resolve) => {
          answer = resolve;
        });
        return tickets.get(tenantId, id);
      },
      countOpen: (tenantId: string, owner: Owner, atMost?: number) => {
        calls.push(`backlog counted up to ${atMost}`);
        return tickets.countOpen(tenantId, owner, atMost);
      },
    });

    const routing = routeTicket({ tenantId: t.tenantId, ticketId: t.id }, { ...deps, tickets: watched });
    await new Promise((resolve) => setImmediate(resolve));

    // The count did not wait for the ticket: both are out together.
    expect(calls).toEqual(['ticket read', 'backlog counted up to 26']);
    answer();
    expect((await routing).ticket.owner).toBe('internal');
    expect(calls).toHaveLength(2);
  });

  describe('when the division of work changes its overflow limit between two routings', () => {
    const saveOverflowLimit = (version: number, overflowLimit: number) =>
      deps.tenants.putDivisionOfWork(
        DivisionOfWorkSchema.parse({ ...defaultDivisionOfWork(), version, overflowLimit }),
      );
    const overflowReason = (t: Ticket) =>
      t.routing?.reasons.find((r) => r.startsWith('internal open backlog'));

    it('decides a raised limit on the whole backlog, not on a count bounded by the old limit', async () => {
      // The container learns the limit of 25, so a backlog count goes out bounded by 26.
      await openInternalBacklog(28);
      expect((await route(await store(laptop()))).ticket.owner).toBe('partner');
      await saveOverflowLimit(2, 27);

      const { ticket } = await route(await store(laptop()));

      // 28 open is over 27: a count stopped at 26 would have kept the ticket internal.
      expect(ticket).toMatchObject({ owner: 'partner', workload: 'hardware' });
      expect(ticket.routing).toMatchObject({ divisionOfWorkVersion: 2, rule: 'overflow' });
      expect(overflowReason(ticket)).toBe(
        "internal open backlog 28 exceeds the overflow limit 27: overflow-eligible 'hardware' goes to the partner (division of work v2)",
      );
    });

    it('decides a lowered limit as a container that knew it all along would', async () => {
      await openInternalBacklog(12);
      expect((await route(await store(laptop()))).ticket.owner).toBe('internal');
      await saveOverflowLimit(2, 10);

      const { ticket: afterChange } = await route(await store(laptop()));
      // The next one, read by a container that already knows the limit of 10.
      const { ticket: knowing } = await route(await store(laptop()));

      expect(afterChange).toMatchObject({
        owner: 'partner',
        routing: { rule: 'overflow', divisionOfWorkVersion: 2 },
      });
      expect(overflowReason(afterChange)).toBe(overflowReason(knowing));
      expect(overflowReason(afterChange)).toContain('internal open backlog 11 exceeds the overflow limit 10');
    });
  });

  it('does not count resolved internal tickets towards the backlog', async () => {
    await openInternalBacklog(26);
    const [first] = await tickets.listOpen('acme', 'internal');
    await tickets.update({ ...first!, status: 'resolved', version: first!.version + 1 }, []);
    const t = await store(laptop());

    await route(t);

    expect((await tickets.get('acme', t.id))?.owner).toBe('internal');
  });
});
