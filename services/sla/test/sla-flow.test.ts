import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoOutboxStore, itemKeyOf } from '@psa/aws/dynamo-outbox';
import { DynamoSlaStore } from '@psa/aws/dynamo-sla-store';
import { DynamoTenantStore } from '@psa/aws/dynamo-tenant-store';
import { DynamoTicketStore } from '@psa/aws/dynamo-ticket-store';
import { keys } from '@psa/aws/table';
import { ManualClock } from '@psa/model/clock';
import { StaleWriteError } from '@psa/model/errors';
import type { BusEvent } from '@psa/model/events';
import { reconcileOutbox } from '@psa/model/outbox';
import type { EventBus, Mailer, OutgoingMail, TicketStore } from '@psa/model/ports';
import type { SlaClockStore } from '@psa/model/sla-clock';
import type { Ticket } from '@psa/model/ticket';
import { startTestTable } from '@psa/testing/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initialClocks } from '../src/domain/clocks.ts';
import { sweepDueClocks } from '../src/domain/sweep.ts';
import { type SlaDeps, syncTicketClocks } from '../src/domain/sync-clocks.ts';
import { acmeDivisionOfWork, changeStatus, dowWith, handOff, routedTicket } from './fixtures.ts';

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

class RecordingMailer implements Mailer {
  readonly sent: OutgoingMail[] = [];
  down = false;
  async send(mail: OutgoingMail): Promise<void> {
    if (this.down) throw new Error('SES unavailable');
    this.sent.push(mail);
  }
}

let table: Awaited<ReturnType<typeof startTestTable>>;
let clock: ManualClock;
let bus: RecordingBus;
let mailer: RecordingMailer;
let deps: SlaDeps;
let warnings: unknown[][];

beforeEach(async () => {
  table = await startTestTable();
  clock = new ManualClock('2026-11-20T21:00:00.000Z');
  bus = new RecordingBus();
  mailer = new RecordingMailer();
  warnings = [];
  const now = () => clock.now();
  deps = {
    tickets: new DynamoTicketStore(table.doc, table.tableName, now),
    tenants: new DynamoTenantStore(table.doc, table.tableName),
    sla: new DynamoSlaStore(table.doc, table.tableName, now),
    outbox: new DynamoOutboxStore(table.doc, table.tableName),
    bus,
    mailer,
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
const partnerP1 = { owner: 'partner', workload: 'connectivity', priority: 'P1' } as const;

const ref = (t: Ticket) => ({ tenantId: t.tenantId, ticketId: t.id });

/** Store the ticket's next state, as intake writes it. */
async function store(next: Ticket): Promise<Ticket> {
  await deps.tickets.update(next, []);
  return next;
}

/** An SlaClockStore whose due-index reads are counted. */
function countingDueReads(sla: SlaClockStore) {
  const reads = { queries: 0, rows: 0 };
  const counted: SlaClockStore = Object.create(sla);
  counted.listDuePage = async (window, until, limit, cursor) => {
    reads.queries++;
    const page = await sla.listDuePage(window, until, limit, cursor);
    reads.rows += page.clocks.length;
    return page;
  };
  return { sla: counted, reads };
}

describe('syncTicketClocks', () => {
  it('creates the first-response and resolution clocks of a routed ticket', async () => {
    const ticket = await receive(); // internal P3, Friday 16:00 New York
    expect(await syncTicketClocks(ref(ticket), deps)).toBe(2);
    const clocks = await deps.sla.listClocks('acme', ticket.id);
    expect(clocks.map((c) => [c.clockId, c.calendar, c.dueAt, c.rev])).toEqual([
      ['internal.firstResponse', 'internal', '2026-11-23T16:00:00.000Z', 1],
      ['internal.resolution', 'internal', '2026-11-25T21:00:00.000Z', 1],
    ]);
    expect(bus.events).toEqual([]);
  });

  it('does nothing for a ticket that is not routed yet', async () => {
    const ticket = await receive({ owner: null, priority: null, workload: null, version: 1 });
    expect(await syncTicketClocks(ref(ticket), deps)).toBe(0);
    expect(await deps.sla.listClocks('acme', ticket.id)).toEqual([]);
  });

  it('writes and publishes nothing new when the same event is delivered again, even twice at once', async () => {
    const ticket = await receive(partnerP1);
    expect(await syncTicketClocks(ref(ticket), deps)).toBe(2);
    const before = await deps.sla.listClocks('acme', ticket.id);
    expect(await syncTicketClocks(ref(ticket), deps)).toBe(0);
    expect(await deps.sla.listClocks('acme', ticket.id)).toEqual(before);

    clock.advance(12 * MINUTE); // partner P1: 0.75 of 15 minutes is 11m15s
    const writes = await Promise.all([
      syncTicketClocks(ref(ticket), deps),
      syncTicketClocks(ref(ticket), deps),
    ]);
    expect(writes.sort()).toEqual([0, 1]);
    expect(await syncTicketClocks(ref(ticket), deps)).toBe(0);
    expect(bus.ids()).toEqual([`${ticket.id}:partner.firstResponse:warn:0.75`]);
  });

  it('records an in-time first response as met and publishes SlaMet once across redeliveries', async () => {
    const ticket = await receive(partnerP1);
    await syncTicketClocks(ref(ticket), deps);
    clock.advance(5 * MINUTE);
    const responded = await store(changeStatus(ticket, 'acknowledged', clock.now().toISOString(), 'partner'));
    await syncTicketClocks(ref(responded), deps);
    await syncTicketClocks(ref(responded), deps);
    const [first] = await deps.sla.listClocks('acme', ticket.id);
    expect(first).toMatchObject({
      clockId: 'partner.firstResponse',
      met: true,
      completedAt: responded.firstRespondedAt,
    });
    expect(bus.events.map((e) => e.detailType)).toEqual(['SlaMet']);

    clock.advance(HOUR);
    await sweepDueClocks(deps);
    expect(bus.events.filter((e) => e.detail.target === 'firstResponse').map((e) => e.detailType)).toEqual([
      'SlaMet',
    ]);
  });

  it('follows a handoff: the receiving side’s acceptance clock starts and a redelivery changes nothing', async () => {
    const ticket = await receive({ ...partnerP1, priority: 'P2' });
    await syncTicketClocks(ref(ticket), deps);
    clock.advance(20 * MINUTE);
    const moved = await store(handOff(ticket, 'internal', clock.now().toISOString(), 'partner'));
    expect(await syncTicketClocks(ref(moved), deps)).toBe(3);
    expect(await syncTicketClocks(ref(moved), deps)).toBe(0);
    const clocks = await deps.sla.listClocks('acme', ticket.id);
    expect(clocks.map((c) => [c.clockId, c.pausedFor])).toEqual([
      // Friday 16:20 New York: internal hours close at 17:00, so the acceptance clock runs.
      ['internal.handoff.1', null],
      ['partner.firstResponse', 'handedOff'],
      ['partner.resolution', 'handedOff'],
    ]);
  });
});

describe('clocks stored before they were kept per side', () => {
  it('leaves them out of what the API shows and writes the per-side clocks on the next sync', async () => {
    const ticket = await receive(partnerP1);
    const legacy = {
      ...keys.sla('acme', ticket.id, 'firstResponse'),
      target: 'firstResponse',
      calendar: 'partner',
      rev: 3,
    };
    await table.doc.send(new PutCommand({ TableName: table.tableName, Item: legacy }));
    expect(await deps.sla.listClocks('acme', ticket.id)).toEqual([]);
    expect(await syncTicketClocks(ref(ticket), deps)).toBe(2);
    expect((await deps.sla.listClocks('acme', ticket.id)).map((c) => c.clockId)).toEqual([
      'partner.firstResponse',
      'partner.resolution',
    ]);
    expect(await syncTicketClocks(ref(ticket), deps)).toBe(0);
  });
});

describe('the due index as the store divides it', () => {
  it('hands out consecutive windows and keeps the watermark at a window start, only ever moving it on', async () => {
    const at = new Date('2026-11-23T10:42:00.000Z');
    const window = deps.sla.dueWindowAt(at);
    expect(window.start <= at && at < window.end).toBe(true);
    expect(deps.sla.dueWindowAt(window.end).start).toEqual(window.end);
    expect(deps.sla.dueWindowAt(new Date(window.end.getTime() - 1))).toEqual(window);

    expect(await deps.sla.getSweepMark()).toBeNull();
    await deps.sla.advanceSweepMark(window.start);
    expect(await deps.sla.getSweepMark()).toEqual(window.start);
    await deps.sla.advanceSweepMark(deps.sla.dueWindowAt(new Date(at.getTime() - 5 * HOUR)).start);
    expect(await deps.sla.getSweepMark()).toEqual(window.start);
    await deps.sla.advanceSweepMark(window.end);
    expect(await deps.sla.getSweepMark()).toEqual(window.end);
  });
});

describe('sweepDueClocks', () => {
  it('publishes each warning and the breach exactly once when it runs again and again', async () => {
    const ticket = await receive(); // internal P3 first response: warn Mon 15:00Z, 15:36Z, due 16:00Z
    await syncTicketClocks(ref(ticket), deps);
    const fired: number[] = [];
    for (const at of ['14:50', '15:00', '15:36', '16:00', '16:10']) {
      clock.set(`2026-11-23T${at}:00.000Z`);
      fired.push((await sweepDueClocks(deps)).fired, (await sweepDueClocks(deps)).fired);
    }
    expect(fired).toEqual([0, 0, 1, 0, 1, 0, 1, 0, 0, 0]);
    const id = `${ticket.id}:internal.firstResponse`;
    expect(bus.counts()).toEqual({ [`${id}:warn:0.75`]: 1, [`${id}:warn:0.9`]: 1, [`${id}:breach`]: 1 });
    const [first] = await deps.sla.listClocks('acme', ticket.id);
    expect(first).toMatchObject({
      warned: [0.75, 0.9],
      breached: true,
      breachedAt: '2026-11-23T16:00:00.000Z',
    });
  });

  it('publishes each event exactly once when sweeps run at the same time', async () => {
    const tickets: Ticket[] = [];
    for (const priority of ['P1', 'P2'] as const) {
      const t = await receive({ ...partnerP1, priority });
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
    for (const minutes of [14, 25, 30, 200, 240, 480]) {
      clock.set(new Date(Date.parse('2026-11-20T21:00:00.000Z') + minutes * MINUTE));
      const results = await Promise.all([sweepDueClocks(deps), sweepDueClocks(deps), sweepDueClocks(deps)]);
      fired += results.reduce((sum, r) => sum + r.fired, 0);
    }
    // 2 tickets x 2 clocks x (2 warnings + breach), each published once.
    const counts = bus.counts();
    expect(Object.keys(counts)).toHaveLength(12);
    expect(Object.values(counts).every((n) => n === 1)).toBe(true);
    expect(fired).toBe(12);
    for (const t of tickets) {
      for (const c of ['partner.firstResponse', 'partner.resolution'])
        expect(counts[`${t.id}:${c}:breach`]).toBe(1);
    }
    expect(lostRaces).toBeGreaterThan(0); // the sweeps really did race for the same clocks
  });

  it('catches up on every warning and breach it missed when it runs 30 hours late', async () => {
    clock.set('2026-11-22T08:00:00.000Z'); // Sunday 03:00 New York
    const ticket = await receive(partnerP1);
    await syncTicketClocks(ref(ticket), deps);
    clock.advance(30 * HOUR);
    expect((await sweepDueClocks(deps)).fired).toBe(6);
    expect(bus.events.map((e) => [e.detail.clock, e.detailType, e.detail.threshold ?? 'breach'])).toEqual([
      ['partner.firstResponse', 'SlaWarning', 0.75],
      ['partner.firstResponse', 'SlaWarning', 0.9],
      ['partner.firstResponse', 'SlaBreached', 'breach'],
      ['partner.resolution', 'SlaWarning', 0.75],
      ['partner.resolution', 'SlaWarning', 0.9],
      ['partner.resolution', 'SlaBreached', 'breach'],
    ]);
    expect(await sweepDueClocks(deps)).toMatchObject({ fired: 0 });
    expect(bus.events).toHaveLength(6);
  });

  it('fires a clock due longer ago than the lookback when the sweeps stopped for three days', async () => {
    clock.set('2026-11-23T10:00:00.000Z');
    await sweepDueClocks(deps); // an ordinary sweep: the watermark is now
    clock.set('2026-11-23T10:30:00.000Z');
    const ticket = await receive(partnerP1); // due 10:45Z, warnings from 10:41:15Z
    await syncTicketClocks(ref(ticket), deps);

    clock.set('2026-11-26T10:30:00.000Z'); // 72 hours without a sweep: beyond a 48-hour lookback
    const late = await sweepDueClocks(deps, { lookbackHours: 48 });
    expect(late.fired).toBe(6);
    expect(late.buckets).toBeGreaterThan(72);
    expect(bus.counts()[`${ticket.id}:partner.firstResponse:breach`]).toBe(1);
    // Caught up: the next sweep starts from the new watermark and reads an hour or two.
    expect(await sweepDueClocks(deps)).toMatchObject({ fired: 0, buckets: expect.any(Number) });
    expect((await sweepDueClocks(deps)).buckets).toBeLessThanOrEqual(2);
  });

  it('fires a clock written with a fire time long past: it is indexed in the current bucket', async () => {
    clock.set('2026-11-26T10:00:00.000Z');
    await sweepDueClocks(deps);
    // A ticket received three days ago whose clocks are written only now (a backfill, a writer
    // that fell far behind): both its clocks were due days ago.
    const old = routedTicket({ ...partnerP1, receivedAt: '2026-11-23T10:00:00.000Z' });
    await deps.tickets.create(old, []);
    for (const c of initialClocks(old, acmeDivisionOfWork(), new Date(old.receivedAt))) {
      await deps.sla.saveClock(c, []);
    }
    const current = await deps.sla.listDuePage(deps.sla.dueWindowAt(clock.now()), clock.now(), 10);
    expect(current.clocks.map((c) => c.clockId)).toEqual(['partner.firstResponse', 'partner.resolution']);
    expect((await sweepDueClocks(deps)).fired).toBe(6);
    expect(Object.keys(bus.counts())).toHaveLength(6);
  });

  it('does not let a page of clocks that cannot progress stall the due clock behind them', async () => {
    clock.set('2026-11-23T15:00:00.000Z');
    await sweepDueClocks(deps);
    // Three clocks whose tickets are gone (written, tickets never stored), due first...
    for (let i = 0; i < 3; i++) {
      const ghost = routedTicket({ ...partnerP1, receivedAt: '2026-11-23T14:50:00.000Z' });
      for (const c of initialClocks(ghost, acmeDivisionOfWork(), new Date(ghost.receivedAt))) {
        await deps.sla.saveClock(c, []);
      }
    }
    // ...and one real ticket due two minutes after them, in the same bucket.
    clock.set('2026-11-23T14:52:00.000Z');
    const real = await receive(partnerP1);
    await syncTicketClocks(ref(real), deps);

    clock.set('2026-11-23T15:05:00.000Z');
    const { sla, reads } = countingDueReads(deps.sla);
    const result = await sweepDueClocks({ ...deps, sla }, { pageSize: 2 });
    expect(bus.ids()).toEqual([`${real.id}:partner.firstResponse:warn:0.75`]);
    expect(result).toMatchObject({ fired: 1, deferred: 3 });
    expect(reads.rows).toBe(4);

    // The stuck ones were put off: the next sweep does not read them again (the real ticket's
    // 0.9 warning is not due before 15:05:30)...
    clock.set('2026-11-23T15:05:20.000Z');
    const again = countingDueReads(deps.sla);
    await sweepDueClocks({ ...deps, sla: again.sla }, { pageSize: 2 });
    expect(again.reads.rows).toBe(0);
    // ...until their deferral is over.
    clock.set('2026-11-23T15:21:00.000Z');
    expect(await sweepDueClocks(deps, { pageSize: 2 })).toMatchObject({ deferred: 3 });
  });

  it('fires exactly the 5 due clocks among 200 that are not due, reading only their tickets', async () => {
    clock.set('2026-11-23T15:08:00.000Z');
    const due: Ticket[] = [];
    for (let i = 0; i < 5; i++) {
      const t = await receive(partnerP1); // 0.75 warning at 15:19:15
      await syncTicketClocks(ref(t), deps);
      due.push(t);
    }
    // 200 not due: 100 partner P1 whose first warning is 15:26:15, later in the same hour bucket,
    // and 100 internal P3 whose first warning is 18:15, a later bucket.
    const dow = acmeDivisionOfWork();
    const at = '2026-11-23T15:15:00.000Z';
    const notDue = Array.from({ length: 200 }, (_, i) =>
      routedTicket(
        i < 100 ? { ...partnerP1, receivedAt: at, updatedAt: at } : { receivedAt: at, updatedAt: at },
      ),
    );
    for (let i = 0; i < notDue.length; i += 50) {
      await Promise.all(
        notDue
          .slice(i, i + 50)
          .flatMap((t) => [
            deps.tickets.create(t, []),
            ...initialClocks(t, dow, new Date(at)).map((c) => deps.sla.saveClock(c, [])),
          ]),
      );
    }

    clock.set('2026-11-23T15:20:00.000Z');
    let ticketGets = 0;
    const tickets: TicketStore = Object.create(deps.tickets);
    tickets.get = (tenantId, id) => {
      ticketGets++;
      return deps.tickets.get(tenantId, id);
    };
    const { sla, reads } = countingDueReads(deps.sla);
    const result = await sweepDueClocks({ ...deps, tickets, sla });
    expect(result.fired).toBe(5);
    expect(bus.counts()).toEqual(
      Object.fromEntries(due.map((t) => [`${t.id}:partner.firstResponse:warn:0.75`, 1])),
    );
    expect(ticketGets).toBe(5);
    expect(reads.rows).toBe(5);
    // One query per hour bucket of the first sweep's 48-hour lookback and the current hour.
    expect(reads.queries).toBe(result.buckets);
    expect(result.buckets).toBe(49);
  });

  it('keeps a breach in the outbox through a bus outage and the reconciler delivers it once', async () => {
    const ticket = await receive(partnerP1);
    await syncTicketClocks(ref(ticket), deps);
    clock.advance(11 * MINUTE + 30_000); // past the 0.75 warning
    await sweepDueClocks(deps);
    const id = `${ticket.id}:partner.firstResponse`;
    expect(bus.ids()).toEqual([`${id}:warn:0.75`]);

    bus.down = true;
    clock.advance(4 * MINUTE); // past 0.9 and the 15-minute due instant
    expect((await sweepDueClocks(deps)).fired).toBe(2); // written to the outbox, not delivered
    expect(warnings.filter((w) => String(w[0]).includes('deferred to the reconciler'))).toHaveLength(1);
    expect(bus.events).toHaveLength(1);

    await sweepDueClocks(deps); // the clock moved on: nothing published again
    const pending = await deps.outbox.listPending(new Date(clock.now().getTime() + 1), 100);
    expect(pending).toHaveLength(1);
    expect(itemKeyOf(pending[0]!.ref)).toEqual({
      pk: `T#acme#K#${ticket.id}`,
      sk: 'SLA#partner.firstResponse',
    });
    expect(pending[0]!.entries.map((e) => e.id).sort()).toEqual([`${id}:breach`, `${id}:warn:0.9`]);

    clock.advance(MINUTE);
    const reconciler = { ...deps, now: () => clock.now() };
    expect(await reconcileOutbox(reconciler)).toEqual({ records: 1, failures: 1 });
    bus.down = false;
    expect(await reconcileOutbox(reconciler)).toEqual({ records: 1, failures: 0 });
    expect(await reconcileOutbox(reconciler)).toEqual({ records: 0, failures: 0 });
    await sweepDueClocks(deps);
    expect(bus.counts()).toEqual({ [`${id}:warn:0.75`]: 1, [`${id}:warn:0.9`]: 1, [`${id}:breach`]: 1 });
    expect(bus.events.find((e) => e.detail.eventId === `${id}:breach`)).toMatchObject({
      source: 'psa.sla',
      detailType: 'SlaBreached',
      detail: {
        tenantId: 'acme',
        ticketId: ticket.id,
        target: 'firstResponse',
        owner: 'partner',
        dueAt: '2026-11-20T21:15:00.000Z',
      },
    });
  });
});

describe('breach notification', () => {
  beforeEach(async () => {
    await deps.tenants.putDivisionOfWork(
      dowWith({ breachNotify: { partner: 'dispatch@msp.example' } }, (doc) => {
        doc.version = 2;
      }),
    );
  });

  it('mails the partner’s dispatch address once, however many sweeps and redeliveries see the breach', async () => {
    const ticket = await receive(partnerP1);
    await syncTicketClocks(ref(ticket), deps);
    clock.advance(16 * MINUTE);
    await Promise.all([sweepDueClocks(deps), sweepDueClocks(deps), syncTicketClocks(ref(ticket), deps)]);
    await sweepDueClocks(deps);
    await syncTicketClocks(ref(ticket), deps);
    expect(mailer.sent.map((m) => [m.to, m.subject])).toEqual([
      ['dispatch@msp.example', `[${ticket.key}] SLA breached: first response (P1, partner)`],
    ]);
  });

  it('keeps the notice in the outbox while mail is down, and the reconciler sends it once', async () => {
    const ticket = await receive(partnerP1);
    await syncTicketClocks(ref(ticket), deps);
    mailer.down = true;
    clock.advance(16 * MINUTE);
    await sweepDueClocks(deps);
    expect(mailer.sent).toEqual([]);
    expect(bus.counts()[`${ticket.id}:partner.firstResponse:breach`]).toBe(1);

    mailer.down = false;
    clock.advance(MINUTE);
    const reconciler = { ...deps, now: () => clock.now() };
    expect(await reconcileOutbox(reconciler)).toEqual({ records: 1, failures: 0 });
    expect(await reconcileOutbox(reconciler)).toEqual({ records: 0, failures: 0 });
    expect(mailer.sent.map((m) => m.to)).toEqual(['dispatch@msp.example']);
    expect(bus.counts()[`${ticket.id}:partner.firstResponse:breach`]).toBe(1);
  });
});
