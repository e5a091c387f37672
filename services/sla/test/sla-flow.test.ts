import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { itemKeyOf } from '@psa/aws/dynamo-outbox';
import { keys } from '@psa/aws/table';
import { StaleWriteError } from '@psa/model/errors';
import { reconcileOutbox } from '@psa/model/outbox';
import type { TicketStore } from '@psa/model/ports';
import type { SlaClockStore } from '@psa/model/sla-clock';
import type { Ticket } from '@psa/model/ticket';
import type { ManualClock } from '@psa/testing/clock';
import { RecordingBus, RecordingLogger, RecordingMailer } from '@psa/testing/fakes';
import { startTestStores, type TestStores } from '@psa/testing/stores';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initialClocks } from '../src/domain/clocks.ts';
import { sweepDueClocks } from '../src/domain/sweep.ts';
import { type SlaDeps, syncTicketClocks } from '../src/domain/sync-clocks.ts';
import { acmeDivisionOfWork, changeStatus, dowWith, handOff, routedTicket } from './fixtures.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let stores: TestStores;
let clock: ManualClock;
let bus: RecordingBus;
let mailer: RecordingMailer;
let logger: RecordingLogger;
let deps: SlaDeps;

beforeEach(async () => {
  stores = await startTestStores({ at: '2026-11-20T21:00:00.000Z' }); // acme on the default
  clock = stores.clock;
  bus = new RecordingBus();
  mailer = new RecordingMailer();
  logger = new RecordingLogger();
  deps = {
    tickets: stores.tickets,
    tenants: stores.tenants,
    sla: stores.sla,
    outbox: stores.outbox,
    bus,
    mailer,
    clock,
    logger,
  };
});
afterEach(() => stores.stop());

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

/** Holds the first `n` callers until the n-th arrives, then lets them all (and any later) through. */
function barrier(n: number): () => Promise<void> {
  let arrived = 0;
  let release = () => {};
  const open = new Promise<void>((r) => {
    release = r;
  });
  return () => {
    if (++arrived === n) release();
    return open;
  };
}

/**
 * Makes overlapping sweeps race whatever the I/O timing: in each round, the clocks each sweep
 * reads for a ticket are handed over only once all `sweeps` have read them, so all of them work
 * from the same revisions. A sweep syncs each due ticket once per run, so a round's first
 * `sweeps` reads of a ticket are one per sweep; later ones (retries after a lost write) pass.
 * Records each clock write, as `ticket/clock@rev`, with its outcome.
 */
function forcedRace(sla: SlaClockStore, sweeps: number) {
  let round = 0;
  let gates = new Map<string, () => Promise<void>>();
  const writes: { round: number; ticketId: string; key: string; won?: boolean }[] = [];
  const raced: SlaClockStore = Object.create(sla);
  raced.listAllClocks = async (tenantId, ticketId) => {
    const clocks = await sla.listAllClocks(tenantId, ticketId);
    if (!gates.has(ticketId)) gates.set(ticketId, barrier(sweeps));
    await gates.get(ticketId)!();
    return clocks;
  };
  raced.saveClock = async (c, outbox) => {
    const write: (typeof writes)[number] = {
      round,
      ticketId: c.ticketId,
      key: `${c.ticketId}/${c.clockId}@${c.rev}`,
    };
    writes.push(write);
    try {
      const ref = await sla.saveClock(c, outbox);
      write.won = true;
      return ref;
    } catch (err) {
      if (err instanceof StaleWriteError) write.won = false;
      throw err;
    }
  };
  const outcomes = (key: string) => ({
    won: writes.filter((w) => w.key === key && w.won === true).length,
    lost: writes.filter((w) => w.key === key && w.won === false).length,
  });
  return {
    sla: raced,
    nextRound: () => {
      round++;
      gates = new Map();
    },
    /** The outcomes of each round's first write to each ticket's clocks. */
    firstWrites: () => {
      const first = new Map<string, string>();
      for (const w of writes)
        if (!first.has(`${w.round}/${w.ticketId}`)) first.set(`${w.round}/${w.ticketId}`, w.key);
      return [...first.values()].map(outcomes);
    },
    /** The outcomes of every clock revision some sweep tried to write. */
    allWrites: () => [...new Set(writes.map((w) => w.key))].map(outcomes),
  };
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
    expect(bus.published).toEqual([]);
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
    expect(bus.eventIds()).toEqual([`${ticket.id}:partner.firstResponse:warn:0.75`]);
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
    expect(bus.published.map((e) => e.detailType)).toEqual(['SlaMet']);

    clock.advance(HOUR);
    await sweepDueClocks(deps);
    expect(bus.published.filter((e) => e.detail.target === 'firstResponse').map((e) => e.detailType)).toEqual(
      ['SlaMet'],
    );
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
    await stores.table.doc.send(new PutCommand({ TableName: stores.table.tableName, Item: legacy }));
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
    expect(bus.countsByEventId()).toEqual({
      [`${id}:warn:0.75`]: 1,
      [`${id}:warn:0.9`]: 1,
      [`${id}:breach`]: 1,
    });
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
    const race = forcedRace(deps.sla, 3);
    const racing = { ...deps, sla: race.sla };
    let fired = 0;
    for (const minutes of [14, 25, 30, 200, 240, 480]) {
      clock.set(new Date(Date.parse('2026-11-20T21:00:00.000Z') + minutes * MINUTE));
      race.nextRound();
      const results = await Promise.all([
        sweepDueClocks(racing),
        sweepDueClocks(racing),
        sweepDueClocks(racing),
      ]);
      fired += results.reduce((sum, r) => sum + r.fired, 0);
    }
    // 2 tickets x 2 clocks x (2 warnings + breach), each published once.
    const counts = bus.countsByEventId();
    expect(Object.keys(counts)).toHaveLength(12);
    expect(Object.values(counts).every((n) => n === 1)).toBe(true);
    expect(fired).toBe(12);
    for (const t of tickets) {
      for (const c of ['partner.firstResponse', 'partner.resolution'])
        expect(counts[`${t.id}:${c}:breach`]).toBe(1);
    }
    // The sweeps really raced: in every round each ticket's first write was tried by all three,
    // from the same read, and two lost it; and no clock revision was written twice.
    const first = race.firstWrites();
    expect(first.length).toBeGreaterThan(0);
    expect(first).toEqual(first.map(() => ({ won: 1, lost: 2 })));
    expect(race.allWrites().every((w) => w.won === 1)).toBe(true);
  });

  it('catches up on every warning and breach it missed when it runs 30 hours late', async () => {
    clock.set('2026-11-22T08:00:00.000Z'); // Sunday 03:00 New York
    const ticket = await receive(partnerP1);
    await syncTicketClocks(ref(ticket), deps);
    clock.advance(30 * HOUR);
    expect((await sweepDueClocks(deps)).fired).toBe(6);
    expect(bus.published.map((e) => [e.detail.clock, e.detailType, e.detail.threshold ?? 'breach'])).toEqual([
      ['partner.firstResponse', 'SlaWarning', 0.75],
      ['partner.firstResponse', 'SlaWarning', 0.9],
      ['partner.firstResponse', 'SlaBreached', 'breach'],
      ['partner.resolution', 'SlaWarning', 0.75],
      ['partner.resolution', 'SlaWarning', 0.9],
      ['partner.resolution', 'SlaBreached', 'breach'],
    ]);
    expect(await sweepDueClocks(deps)).toMatchObject({ fired: 0 });
    expect(bus.published).toHaveLength(6);
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
    expect(bus.countsByEventId()[`${ticket.id}:partner.firstResponse:breach`]).toBe(1);
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
    expect(Object.keys(bus.countsByEventId())).toHaveLength(6);
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
    expect(bus.eventIds()).toEqual([`${real.id}:partner.firstResponse:warn:0.75`]);
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
    expect(bus.countsByEventId()).toEqual(
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
    expect(bus.eventIds()).toEqual([`${id}:warn:0.75`]);

    bus.down = true;
    clock.advance(4 * MINUTE); // past 0.9 and the 15-minute due instant
    expect((await sweepDueClocks(deps)).fired).toBe(2); // written to the outbox, not delivered
    expect(logger.messages('warn').filter((m) => m.includes('deferred to the reconciler'))).toHaveLength(1);
    expect(bus.published).toHaveLength(1);

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
    expect(bus.countsByEventId()).toEqual({
      [`${id}:warn:0.75`]: 1,
      [`${id}:warn:0.9`]: 1,
      [`${id}:breach`]: 1,
    });
    expect(bus.published.find((e) => e.detail.eventId === `${id}:breach`)).toMatchObject({
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
    expect(bus.countsByEventId()[`${ticket.id}:partner.firstResponse:breach`]).toBe(1);

    mailer.down = false;
    clock.advance(MINUTE);
    const reconciler = { ...deps, now: () => clock.now() };
    expect(await reconcileOutbox(reconciler)).toEqual({ records: 1, failures: 0 });
    expect(await reconcileOutbox(reconciler)).toEqual({ records: 0, failures: 0 });
    expect(mailer.sent.map((m) => m.to)).toEqual(['dispatch@msp.example']);
    expect(bus.countsByEventId()[`${ticket.id}:partner.firstResponse:breach`]).toBe(1);
  });
});
