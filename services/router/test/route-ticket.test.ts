import { DynamoOutboxStore } from '@psa/aws/dynamo-outbox';
import { DynamoTenantStore } from '@psa/aws/dynamo-tenant-store';
import { DynamoTicketStore } from '@psa/aws/dynamo-ticket-store';
import { RoutedTicketMessageSchema } from '@psa/contracts/queue-message';
import { ManualClock } from '@psa/model/clock';
import { DivisionOfWorkSchema } from '@psa/model/division-of-work';
import { defaultDivisionOfWork } from '@psa/model/division-of-work-default';
import { reconcileOutbox, ticketReceivedEntryId } from '@psa/model/outbox';
import type { Owner, Ticket } from '@psa/model/ticket';
import { RecordingBus, RecordingQueue, silentLogger } from '@psa/testing/fakes';
import { startTestTable, ticketFixture } from '@psa/testing/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RouteDeps, routeTicket } from '../src/domain/route-ticket.ts';

/** Tue 2026-06-16 10:00 in New York: internal business hours under the default division of work. */
const BUSINESS_HOURS = '2026-06-16T14:00:00.000Z';
const FAR_FUTURE = new Date('2100-01-01T00:00:00Z');

let table: Awaited<ReturnType<typeof startTestTable>>;
let clock: ManualClock;
let tickets: DynamoTicketStore;
let queue: RecordingQueue;
let bus: RecordingBus;
let deps: RouteDeps & { queue: RecordingQueue };

beforeEach(async () => {
  table = await startTestTable();
  clock = new ManualClock('2026-06-16T14:00:05.000Z');
  const now = () => clock.now();
  tickets = new DynamoTicketStore(table.doc, table.tableName, now);
  const tenants = new DynamoTenantStore(table.doc, table.tableName);
  await tenants.putDivisionOfWork(DivisionOfWorkSchema.parse(defaultDivisionOfWork()));
  queue = new RecordingQueue();
  bus = new RecordingBus();
  deps = {
    tickets,
    tenants,
    outbox: new DynamoOutboxStore(table.doc, table.tableName),
    bus,
    queue,
    clock,
    logger: silentLogger('router-test'),
  };
});
afterEach(() => table.stop());

let numbers = 0;
function received(over: Partial<Ticket> = {}): Ticket {
  const number = 1000 + ++numbers;
  return ticketFixture({
    number,
    key: `ACME-${number}`,
    subject: 'Locked out of my account',
    body: 'Hi, I got locked out after too many attempts this morning. Can you reset it?',
    channel: 'web',
    requester: { email: 'pat@acme.example', name: 'Pat' },
    receivedAt: BUSINESS_HOURS,
    ...over,
  });
}

async function store(t: Ticket): Promise<Ticket> {
  await tickets.create(t, []);
  return t;
}

const route = (t: Ticket) => routeTicket({ tenantId: t.tenantId, ticketId: t.id }, deps);
const reconcile = () => reconcileOutbox({ ...deps, now: () => clock.now() });
const pendingEntryIds = async () =>
  (await deps.outbox.listPending(FAR_FUTURE, 100)).flatMap((p) => p.entries.map((e) => e.id)).sort();

describe('routing a received ticket', () => {
  const cases: { name: string; subject: string; body: string; owner: Owner; workload: string | null }[] = [
    {
      name: 'a password reset goes to the partner queue',
      subject: 'Locked out of my account',
      body: 'I got locked out after too many attempts. Can you reset it?',
      owner: 'partner',
      workload: 'password-reset',
    },
    {
      name: 'a broken laptop goes to the internal queue',
      subject: "Laptop won't turn on",
      body: "I spilled coffee on it yesterday and now it won't turn on.",
      owner: 'internal',
      workload: 'hardware',
    },
    {
      name: 'an unrecognisable request goes to the triage queue',
      subject: 'Question',
      body: 'Hello, quick question for you when you have a moment.',
      owner: 'triage',
      workload: null,
    },
  ];

  for (const c of cases) {
    it(`${c.name}, with the decision stored and one message carrying it`, async () => {
      const t = await store(received({ subject: c.subject, body: c.body }));

      const result = await route(t);

      expect(result.routed).toBe(true);
      const stored = await tickets.get('acme', t.id);
      expect(stored).toMatchObject({
        owner: c.owner,
        workload: c.workload,
        afterHours: false,
        version: 2,
        updatedAt: '2026-06-16T14:00:05.000Z',
      });
      expect(stored?.routing).toMatchObject({
        divisionOfWorkVersion: 1,
        decidedAt: '2026-06-16T14:00:05.000Z',
      });
      expect(stored?.routing?.reasons.length).toBeGreaterThan(0);

      expect(queue.sent).toHaveLength(1);
      const [sent] = queue.sent;
      expect(sent?.queue).toBe(c.owner);
      const message = RoutedTicketMessageSchema.parse(JSON.parse(sent!.message.body));
      expect(message.tenantId).toBe('acme');
      expect(message.ticket).toMatchObject({
        id: t.id,
        number: t.number,
        key: t.key,
        subject: c.subject,
        body: c.body,
        owner: c.owner,
        workload: c.workload,
        priority: stored?.priority,
        receivedAt: BUSINESS_HOURS,
      });
      expect(message.decision).toEqual(stored?.routing);
      expect(message.links.self).toBe(`/v1/tenants/acme/tickets/${t.id}`);
      expect(sent?.message.attributes).toEqual({
        tenant: 'acme',
        owner: c.owner,
        priority: stored?.priority,
        workload: c.workload ?? 'none',
      });

      expect(bus.published.map((e) => [e.detailType, e.detail.ticketId, e.detail.owner])).toEqual([
        ['TicketRouted', t.id, c.owner],
      ]);
      expect(await pendingEntryIds()).toEqual([]);
    });
  }

  it('records the workload default priority and handle minutes for a partner password reset', async () => {
    const t = await store(received());
    await route(t);
    const stored = await tickets.get('acme', t.id);
    expect(stored).toMatchObject({
      owner: 'partner',
      workload: 'password-reset',
      priority: 'P3',
      handleMinutes: 15,
    });
    expect(stored?.routing?.rule).toBe('workload-owner');
    expect(queue.sent[0]?.message.attributes).toEqual({
      tenant: 'acme',
      owner: 'partner',
      priority: 'P3',
      workload: 'password-reset',
    });
  });
});

describe('a redelivered TicketReceived', () => {
  it('changes nothing and sends nothing more', async () => {
    const t = await store(received());
    await route(t);
    const afterFirst = await tickets.get('acme', t.id);
    clock.advance(5 * 60_000);

    const again = await route(t);

    expect(again.routed).toBe(false);
    expect(await tickets.get('acme', t.id)).toEqual(afterFirst);
    expect(queue.sent).toHaveLength(1);
    expect(bus.published).toHaveLength(1);
  });

  it('delivered twice at the same moment still routes once and sends one message', async () => {
    const t = await store(received());

    const results = await Promise.all([route(t), route(t)]);

    expect(results.filter((r) => r.routed)).toHaveLength(1);
    expect((await tickets.get('acme', t.id))?.version).toBe(2);
    expect(queue.sent).toHaveLength(1);
    expect(bus.published).toHaveLength(1);
  });
});

describe('the TicketReceived outbox entry', () => {
  it('is taken out of the ticket’s outbox by the routing write itself, with no write of its own', async () => {
    const t = received();
    const receivedEntry = {
      id: ticketReceivedEntryId(t.id),
      kind: 'event' as const,
      event: { source: 'psa.intake', detailType: 'TicketReceived', detail: { ticketId: t.id } },
    };
    // As intake leaves it: delivered, still in the outbox.
    await tickets.create(t, [receivedEntry as never]);
    expect(await pendingEntryIds()).toEqual([`${t.id}:received`]);

    await route(t);

    expect(await pendingEntryIds()).toEqual([]);
    clock.advance(60_000);
    expect(await reconcile()).toEqual({ records: 0, failures: 0 });
  });
});

describe('a queue outage', () => {
  it('keeps the queue message in the outbox until the reconciler delivers it, once', async () => {
    const t = await store(received());
    queue.down = true;

    const result = await route(t);

    expect(result.routed).toBe(true);
    expect((await tickets.get('acme', t.id))?.owner).toBe('partner');
    expect(queue.sent).toEqual([]);
    // The event went out; only the queue entry waits.
    expect(bus.published.map((e) => e.detailType)).toEqual(['TicketRouted']);
    expect(await pendingEntryIds()).toEqual([`${t.id}:queued`]);

    clock.advance(60_000);
    expect(await reconcile()).toEqual({ records: 1, failures: 1 });
    expect(await pendingEntryIds()).toEqual([`${t.id}:queued`]);

    queue.down = false;
    expect(await reconcile()).toEqual({ records: 1, failures: 0 });
    expect(await reconcile()).toEqual({ records: 0, failures: 0 });

    expect(queue.sent).toHaveLength(1);
    expect(queue.sent[0]?.queue).toBe('partner');
    expect(RoutedTicketMessageSchema.parse(JSON.parse(queue.sent[0]!.message.body)).ticket.id).toBe(t.id);
    expect(bus.published).toHaveLength(1);
    expect(await pendingEntryIds()).toEqual([]);
  });

  it('is not re-sent by a redelivered TicketReceived while the entry waits in the outbox', async () => {
    const t = await store(received());
    queue.down = true;
    await route(t);
    queue.down = false;

    await route(t);

    expect(queue.sent).toEqual([]);
    expect(await pendingEntryIds()).toEqual([`${t.id}:queued`]);
  });
});
