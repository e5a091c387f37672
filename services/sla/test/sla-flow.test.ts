import { DynamoOutboxStore } from '@psa/common/aws/dynamo-outbox';
import { DynamoSlaStore } from '@psa/common/aws/dynamo-sla-store';
import { DynamoTenantStore } from '@psa/common/aws/dynamo-tenant-store';
import { DynamoTicketStore } from '@psa/common/aws/dynamo-ticket-store';
import { ManualClock } from '@psa/common/clock';
import { StaleWriteError } from '@psa/common/errors';
import type { BusEvent } from '@psa/common/events';
import { reconcileOutbox } from '@psa/common/outbox';
import type { EventBus, SlaStore, TicketStore } from '@psa/common/ports';
import type { Ticket } from '@psa/common/ticket';
import { startTestTable } from '@psa/local/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startClock } from '../src/domain/clocks.ts';
import { sweepDueClocks } from '../src/domain/sweep.ts';
import { type SlaDeps, syncTicketClocks } from '../src/domain/sync-clocks.ts';
import { acmeDivisionOfWork, routedTicket } from './fixtures.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** An in-memory EventBus that records what it was given, and can be taken down to simulate an outage. */
class RecordingBus implements EventBus {
  readonly events: BusEvent[] = [];
  down = false;
  async publish(events: BusEvent[]): Promise<void> {
    if (this.down) throw new Error('EventBridge unavailable');
    this.events.push(...events);
  }
  ids(): string[] {
    return this.events.map((e) => String(e.detail.eventId));
  }
  /** How many times each eventId was published. */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const id of this.ids()) out[id] = (out[id] ?? 0) + 1;
    return out;
  }
}

let table: Awaited<ReturnType<typeof startTestTable>>;
let clock: ManualClock;
let bus: RecordingBus;
let deps: SlaDeps;
let warnings: unknown[][];

/**
 * Tests that sweep many times read a 3-hour window instead of the default 48 hours: exactly-once
 * does not depend on the window, and each sweep then costs 4 bucket queries instead of 49. The
 * catch-up and read-cost tests use the default window.
 */
const SHORT = { lookbackHours: 3 };

beforeEach(async () => {
  table = await startTestTable();
  clock = new ManualClock('2026-11-20T21:00:00.000Z');
  bus = new RecordingBus();
  warnings = [];
  const now = () => clock.now();
  deps = {
    tickets: new DynamoTicketStore(table.doc, table.tableName, now),
    tenants: new DynamoTenantStore(table.doc, table.tableName),
    sla: new DynamoSlaStore(table.doc, table.tableName, now),
    outbox: new DynamoOutboxStore(table.doc, table.tableName),
    bus,
    clock,
    logger: { warn: (...args: unknown[]) => warnings.push(args), info: () => {} },
  };
  await deps.tenants.putDivisionOfWork(acmeDivisionOfWork());
});
afterEach(() => table.stop());

/** Store a ticket (received at the clock's current instant unless given) and return it. */
async function receive(over: Partial<Ticket> = {}): Promise<Ticket> {
  const ticket = routedTicket({ receivedAt: clock.now().toISOString(), ...over });
  await deps.tickets.create(ticket, []);
  return ticket;
}

const ref = (t: Ticket) => ({ tenantId: t.tenantId, ticketId: t.id });

/** A ticket change as the intake lifecycle writes it (version + 1). */
async function updateTicket(t: Ticket, change: Partial<Ticket>): Promise<Ticket> {
  const next = { ...t, ...change, version: t.version + 1 };
  await deps.tickets.update(next, []);
  return next;
}

describe('syncTicketClocks', () => {
  it('creates the first-response and resolution clocks of a routed ticket', async () => {
    const ticket = await receive(); // internal P3, Friday 16:00 New York
    expect(await syncTicketClocks(ref(ticket), deps)).toBe(2);
    const clocks = await deps.sla.listClocks('acme', ticket.id);
    expect(
      clocks
        .map((c) => [c.target, c.calendar, c.dueAt, c.rev])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ).toEqual([
      ['firstResponse', 'internal', '2026-11-23T16:00:00.000Z', 1],
      ['resolution', 'internal', '2026-11-25T21:00:00.000Z', 1],
    ]);
    expect(bus.events).toEqual([]);
  });

  it('does nothing for a ticket that is not routed yet', async () => {
    const ticket = await receive({ owner: null, priority: null, workload: null, version: 1 });
    expect(await syncTicketClocks(ref(ticket), deps)).toBe(0);
    expect(await deps.sla.listClocks('acme', ticket.id)).toEqual([]);
    expect(bus.events).toEqual([]);
  });

  it('writes and publishes nothing new when the same event is delivered again', async () => {
    const ticket = await receive({ owner: 'partner', workload: 'connectivity', priority: 'P1' });
    expect(await syncTicketClocks(ref(ticket), deps)).toBe(2);
    const before = await deps.sla.listClocks('acme', ticket.id);

    expect(await syncTicketClocks(ref(ticket), deps)).toBe(0);
    expect(await deps.sla.listClocks('acme', ticket.id)).toEqual(before);

    // A redelivery that lands after the first warning fell due sends it once, even twice at once.
    clock.advance(12 * MINUTE); // partner P1: 0.75 of 15 minutes is 11m15s
    const writes = await Promise.all([
      syncTicketClocks(ref(ticket), deps),
      syncTicketClocks(ref(ticket), deps),
    ]);
    expect(writes.sort()).toEqual([0, 1]);
    expect(await syncTicketClocks(ref(ticket), deps)).toBe(0);
    expect(bus.ids()).toEqual([`${ticket.id}:firstResponse:warn:0.75`]);
  });

  it('records an in-time first response as met and publishes SlaMet once across redeliveries', async () => {
    const ticket = await receive({ owner: 'partner', workload: 'connectivity', priority: 'P1' });
    await syncTicketClocks(ref(ticket), deps);
    clock.advance(5 * MINUTE);
    const responded = await updateTicket(ticket, {
      status: 'acknowledged',
      firstRespondedAt: clock.now().toISOString(),
    });
    await syncTicketClocks(ref(responded), deps);
    await syncTicketClocks(ref(responded), deps);
    const first = (await deps.sla.listClocks('acme', ticket.id)).find((c) => c.target === 'firstResponse');
    expect(first).toMatchObject({ met: true, breached: false, completedAt: responded.firstRespondedAt });
    expect(bus.events.map((e) => e.detailType)).toEqual(['SlaMet']);

    // The sweep, long after the due instant, finds nothing to breach.
    clock.advance(HOUR);
    await sweepDueClocks(deps);
    expect(bus.events.filter((e) => e.detail.target === 'firstResponse').map((e) => e.detailType)).toEqual([
      'SlaMet',
    ]);
  });
});

describe('sweepDueClocks', () => {
  it('publishes each warning and the breach exactly once when it runs again and again', async () => {
    const ticket = await receive(); // internal P3 first response: warn Mon 15:00Z, 15:36Z, due 16:00Z
    await syncTicketClocks(ref(ticket), deps);
    const fired: number[] = [];
    // Ticks before, at and between the due instants; every tick runs the sweep twice in a row.
    for (const at of ['14:50', '15:00', '15:36', '16:00', '16:10']) {
      clock.set(`2026-11-23T${at}:00.000Z`);
      fired.push((await sweepDueClocks(deps, SHORT)).fired, (await sweepDueClocks(deps, SHORT)).fired);
    }
    expect(fired).toEqual([0, 0, 1, 0, 1, 0, 1, 0, 0, 0]);
    expect(bus.counts()).toEqual({
      [`${ticket.id}:firstResponse:warn:0.75`]: 1,
      [`${ticket.id}:firstResponse:warn:0.9`]: 1,
      [`${ticket.id}:firstResponse:breach`]: 1,
    });
    expect(bus.events.map((e) => [e.detailType, e.detail.threshold])).toEqual([
      ['SlaWarning', 0.75],
      ['SlaWarning', 0.9],
      ['SlaBreached', undefined],
    ]);
    const [first] = (await deps.sla.listClocks('acme', ticket.id)).filter(
      (c) => c.target === 'firstResponse',
    );
    expect(first).toMatchObject({
      warned: [0.75, 0.9],
      breached: true,
      breachedAt: '2026-11-23T16:00:00.000Z',
    });
  });

  it('publishes each event exactly once when sweeps run at the same time', async () => {
    // Partner P1 (15 min / 4 h) and P2 (30 min / 8 h), received Friday 21:00Z.
    const tickets: Ticket[] = [];
    for (const priority of ['P1', 'P2'] as const) {
      const t = await receive({ owner: 'partner', workload: 'connectivity', priority });
      await syncTicketClocks(ref(t), deps);
      tickets.push(t);
    }
    let lostRaces = 0;
    const saveClock = deps.sla.saveClock.bind(deps.sla);
    deps.sla.saveClock = async (c, outbox) => {
      try {
        return await saveClock(c, outbox);
      } catch (err) {
        if (err instanceof StaleWriteError) lostRaces++;
        throw err;
      }
    };
    let fired = 0;
    // Minutes after receipt; several ticks make more than one event due at once.
    for (const minutes of [14, 25, 30, 200, 240, 480]) {
      clock.set(new Date(Date.parse('2026-11-20T21:00:00.000Z') + minutes * MINUTE));
      const results = await Promise.all([
        sweepDueClocks(deps, SHORT),
        sweepDueClocks(deps, SHORT),
        sweepDueClocks(deps, SHORT),
      ]);
      fired += results.reduce((sum, r) => sum + r.fired, 0);
    }
    // 2 tickets x 2 targets x (2 warnings + breach), each published once.
    const counts = bus.counts();
    expect(Object.keys(counts)).toHaveLength(12);
    expect(Object.values(counts).every((n) => n === 1)).toBe(true);
    expect(bus.events).toHaveLength(12);
    expect(fired).toBe(12);
    for (const t of tickets) {
      for (const target of ['firstResponse', 'resolution']) {
        expect(counts[`${t.id}:${target}:breach`]).toBe(1);
      }
    }
    expect(lostRaces).toBeGreaterThan(0); // the sweeps really did race for the same clocks
  });

  it('catches up on every warning and breach it missed when it runs 30 hours late', async () => {
    clock.set('2026-11-22T08:00:00.000Z'); // Sunday 03:00 New York
    const ticket = await receive({ owner: 'partner', workload: 'connectivity', priority: 'P1' });
    await syncTicketClocks(ref(ticket), deps);
    // First response: 08:11:15, 08:13:30, 08:15. Resolution: 11:00, 11:36, 12:00. All long past:
    clock.advance(30 * HOUR);
    const result = await sweepDueClocks(deps);
    expect(result.fired).toBe(6);
    expect(bus.events.map((e) => [e.detail.target, e.detailType, e.detail.threshold ?? 'breach'])).toEqual([
      ['firstResponse', 'SlaWarning', 0.75],
      ['firstResponse', 'SlaWarning', 0.9],
      ['firstResponse', 'SlaBreached', 'breach'],
      ['resolution', 'SlaWarning', 0.75],
      ['resolution', 'SlaWarning', 0.9],
      ['resolution', 'SlaBreached', 'breach'],
    ]);
    expect(await sweepDueClocks(deps)).toMatchObject({ fired: 0 });
    expect(bus.events).toHaveLength(6);
  });

  it('fires exactly the 5 due clocks among 200 that are not due, reading only their tickets', async () => {
    const at = (iso: string) => ({ receivedAt: iso, updatedAt: iso });
    // 5 partner P1 tickets received at 15:08: their 0.75 warning falls due at 15:19:15.
    clock.set('2026-11-23T15:08:00.000Z');
    const due: Ticket[] = [];
    for (let i = 0; i < 5; i++) {
      const t = await receive({ owner: 'partner', workload: 'connectivity', priority: 'P1' });
      await syncTicketClocks(ref(t), deps);
      due.push(t);
    }
    // 200 not due: 100 partner P1 whose first warning is 15:26:15, later in the same hour bucket,
    // and 100 internal P3 whose first warning is 18:15, a later bucket.
    const dow = acmeDivisionOfWork();
    const notDue = Array.from({ length: 200 }, (_, i) =>
      i < 100
        ? routedTicket({
            owner: 'partner',
            workload: 'connectivity',
            priority: 'P1',
            ...at('2026-11-23T15:15:00.000Z'),
          })
        : routedTicket({
            owner: 'internal',
            workload: 'hardware',
            priority: 'P3',
            ...at('2026-11-23T15:15:00.000Z'),
          }),
    );
    for (let i = 0; i < notDue.length; i += 50) {
      await Promise.all(
        notDue
          .slice(i, i + 50)
          .flatMap((t) => [
            deps.tickets.create(t, []),
            ...(['firstResponse', 'resolution'] as const).map((target) =>
              deps.sla.saveClock({ ...startClock(t, target, dow), rev: 1 }, []),
            ),
          ]),
      );
    }

    clock.set('2026-11-23T15:20:00.000Z');
    const reads = { ticketGets: 0, dueRows: 0, dueQueries: 0 };
    const tickets: TicketStore = Object.create(deps.tickets);
    tickets.get = (tenantId, id) => {
      reads.ticketGets++;
      return deps.tickets.get(tenantId, id);
    };
    const sla: SlaStore = Object.create(deps.sla);
    sla.listDue = async (bucket, until, limit) => {
      reads.dueQueries++;
      const rows = await deps.sla.listDue(bucket, until, limit);
      reads.dueRows += rows.length;
      return rows;
    };

    const result = await sweepDueClocks({ ...deps, tickets, sla });
    expect(result.fired).toBe(5);
    expect(bus.counts()).toEqual(Object.fromEntries(due.map((t) => [`${t.id}:firstResponse:warn:0.75`, 1])));
    expect(reads.ticketGets).toBe(5);
    expect(reads.dueRows).toBe(5);
    // One query per hour bucket of the 48-hour lookback and the current hour, plus one re-read of
    // the bucket that progressed.
    expect(reads.dueQueries).toBe(result.buckets + 1);
  });

  it('keeps a breach in the outbox through a bus outage and the reconciler delivers it once', async () => {
    const ticket = await receive({ owner: 'partner', workload: 'connectivity', priority: 'P1' });
    await syncTicketClocks(ref(ticket), deps);
    clock.advance(11 * MINUTE + 30_000); // past the 0.75 warning
    await sweepDueClocks(deps);
    expect(bus.ids()).toEqual([`${ticket.id}:firstResponse:warn:0.75`]);

    bus.down = true;
    clock.advance(4 * MINUTE); // past 0.9 and the 15-minute due instant
    const during = await sweepDueClocks(deps);
    expect(during.fired).toBe(2); // written to the outbox, not delivered
    expect(warnings).toHaveLength(1);
    expect(bus.events).toHaveLength(1);
    const stored = (await deps.sla.listClocks('acme', ticket.id)).find((c) => c.target === 'firstResponse');
    expect(stored).toMatchObject({ breached: true, warned: [0.75, 0.9] });

    // The clock moved on, so later sweeps do not publish it again; only the outbox holds it.
    await sweepDueClocks(deps);
    const breachId = `${ticket.id}:firstResponse:breach`;
    const pending = await deps.outbox.listPending(new Date(clock.now().getTime() + 1), 100);
    expect(pending).toHaveLength(1);
    expect(pending[0]!.key).toEqual({ pk: `T#acme#K#${ticket.id}`, sk: 'SLA#firstResponse' });
    expect(pending[0]!.entries.map((e) => e.id).sort()).toEqual([
      breachId,
      `${ticket.id}:firstResponse:warn:0.9`,
    ]);

    // Still down: the reconciler keeps the entries.
    clock.advance(MINUTE);
    const reconciler = { ...deps, now: () => clock.now() };
    expect(await reconcileOutbox(reconciler)).toEqual({ records: 1, failures: 1 });
    expect(bus.events).toHaveLength(1);

    bus.down = false;
    expect(await reconcileOutbox(reconciler)).toEqual({ records: 1, failures: 0 });
    expect(await reconcileOutbox(reconciler)).toEqual({ records: 0, failures: 0 });
    await sweepDueClocks(deps);
    expect(bus.counts()).toEqual({
      [`${ticket.id}:firstResponse:warn:0.75`]: 1,
      [`${ticket.id}:firstResponse:warn:0.9`]: 1,
      [breachId]: 1,
    });
    expect(bus.events.find((e) => e.detail.eventId === breachId)).toMatchObject({
      source: 'psa.sla',
      detailType: 'SlaBreached',
      detail: {
        tenantId: 'acme',
        ticketId: ticket.id,
        target: 'firstResponse',
        dueAt: '2026-11-20T21:15:00.000Z',
      },
    });
    expect(await deps.outbox.listPending(new Date(clock.now().getTime() + HOUR), 100)).toEqual([]);
  });
});
