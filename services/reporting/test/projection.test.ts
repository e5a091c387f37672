import type { Principal } from '@psa/http/auth';
import { DivisionOfWorkSchema } from '@psa/model/division-of-work';
import { defaultDivisionOfWork } from '@psa/model/division-of-work-default';
import { reconcileOutbox } from '@psa/model/outbox';
import type { TicketStore } from '@psa/model/ports';
import type { SlaClockRecord, SlaStore } from '@psa/model/sla-clock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { projectTicket } from '../src/domain/project.ts';
import { getMonthly, publishMonthlyRelief } from '../src/domain/read-reports.ts';
import type { reliefReport } from '../src/domain/reports.ts';
import { routedTicket, startReporting } from './support.ts';

let r: Awaited<ReturnType<typeof startReporting>>;
beforeEach(async () => {
  r = await startReporting();
});
afterEach(() => r.stop());

const leadership: Principal = { sub: 'cio', tenant: 'acme', role: 'leadership' };
const relief = async (month: string) =>
  (await getMonthly('relief', { tenantId: 'acme', principal: leadership, month }, r.deps)) as ReturnType<
    typeof reliefReport
  >;
const project = (id: string, deps = r.deps) => projectTicket({ tenantId: 'acme', ticketId: id }, deps);

/** A ticket store that answers reads of tickets with a snapshot taken earlier (a slow consumer). */
function staleReads(snapshot: Awaited<ReturnType<TicketStore['get']>>): TicketStore {
  const store: TicketStore = Object.create(r.deps.tickets);
  store.get = async () => snapshot;
  return store;
}

function clock(over: Partial<SlaClockRecord>): SlaClockRecord {
  return {
    tenantId: 'acme',
    ticketId: 'x',
    clockId: 'partner.firstResponse',
    target: 'firstResponse',
    owner: 'partner',
    priority: 'P3',
    calendar: 'partner',
    targetMinutes: 60,
    cycle: 0,
    startedAt: '2026-11-10T15:00:00.000Z',
    pauses: [],
    pausedFor: null,
    dueAt: '2026-11-10T16:00:00.000Z',
    warnAt: {},
    warned: [],
    completedAt: null,
    met: null,
    breached: false,
    breachedAt: null,
    priorBreaches: 0,
    deferredUntil: null,
    ticketVersion: 2,
    rev: 1,
    ...over,
  };
}

describe('projecting tickets into month facts', () => {
  it('keeps one fact when the same ticket is projected twice, so relief counts do not double', async () => {
    const t = routedTicket();
    await r.deps.tickets.create(t, []);

    await project(t.id);
    await project(t.id);

    const facts = await r.deps.reports.listFacts('acme', '2026-11');
    expect(facts.map((f) => f.ticketId)).toEqual([t.id]);
    const report = await relief('2026-11');
    expect(report.totalTickets).toBe(1);
    expect(report.ticketsByOwner).toEqual({ partner: 1, internal: 0, triage: 0 });
    expect(report.internalHoursFreed).toBe(0.25);
  });

  it('keeps the newest state when an older state is projected after a newer one', async () => {
    const t = routedTicket();
    await r.deps.tickets.create(t, []);
    const older = await r.deps.tickets.get('acme', t.id);
    await r.deps.tickets.update(
      {
        ...t,
        status: 'resolved',
        firstRespondedAt: '2026-11-10T15:30:00.000Z',
        resolvedAt: '2026-11-10T15:30:00.000Z',
        version: 3,
      },
      [],
    );

    expect(await project(t.id)).toBe(true);
    expect(await project(t.id, { ...r.deps, tickets: staleReads(older) })).toBe(false);

    const facts = await r.deps.reports.listFacts('acme', '2026-11');
    expect(facts).toHaveLength(1);
    expect(facts[0]).toMatchObject({
      ticketId: t.id,
      status: 'resolved',
      resolvedAt: '2026-11-10T15:30:00.000Z',
    });
    const report = await relief('2026-11');
    expect(report.ticketsByOwner.partner).toBe(1);
    expect(report.openAtReport.partner).toBe(0);
  });

  it('takes a newer SLA clock revision of the same ticket version, and never rolls it back', async () => {
    const t = routedTicket();
    await r.deps.tickets.create(t, []);
    await r.deps.sla.saveClock(clock({ ticketId: t.id, rev: 1 }), []);
    await project(t.id);
    expect((await r.deps.reports.listFacts('acme', '2026-11'))[0]?.sla.firstResponse).toEqual({
      met: null,
      breached: false,
    });

    await r.deps.sla.saveClock(
      clock({ ticketId: t.id, rev: 2, breached: true, breachedAt: '2026-11-10T16:00:00.000Z' }),
      [],
    );
    await project(t.id);
    const [fact] = await r.deps.reports.listFacts('acme', '2026-11');
    expect(fact?.sla.firstResponse).toEqual({ met: null, breached: true });

    const staleSla: SlaStore = Object.create(r.deps.sla);
    staleSla.listClocks = async () => [clock({ ticketId: t.id, rev: 1 })];
    expect(await project(t.id, { ...r.deps, sla: staleSla })).toBe(false);
    expect((await r.deps.reports.listFacts('acme', '2026-11'))[0]?.sla.firstResponse?.breached).toBe(true);
  });

  it('measures a handed-off ticket on the side that holds it, never on the other side’s clocks', async () => {
    const t = routedTicket({
      owner: 'internal',
      handoffs: [
        {
          from: 'partner',
          to: 'internal',
          reason: 'needs a firewall exception',
          at: '2026-11-10T15:10:00.000Z',
          by: { role: 'partner' },
        },
      ],
    });
    await r.deps.tickets.create(t, []);
    const done = { completedAt: '2026-11-10T15:20:00.000Z', met: true };
    for (const c of [
      // The partner breached its first response before it escalated: not internal's doing.
      clock({ clockId: 'partner.firstResponse', breached: true, met: null }),
      clock({ clockId: 'partner.resolution', target: 'resolution', breached: true }),
      clock({
        clockId: 'internal.handoff.1',
        target: 'handoff',
        calendar: 'internal',
        owner: 'internal',
        startedAt: '2026-11-10T15:10:00.000Z',
        ...done,
      }),
      clock({
        clockId: 'internal.resolution',
        target: 'resolution',
        calendar: 'internal',
        owner: 'internal',
        ...done,
      }),
    ]) {
      await r.deps.sla.saveClock({ ...c, ticketId: t.id }, []);
    }
    await project(t.id);
    const [fact] = await r.deps.reports.listFacts('acme', '2026-11');
    expect(fact).toMatchObject({
      owner: 'internal',
      sla: { firstResponse: { met: true, breached: false }, resolution: { met: true, breached: false } },
    });
  });

  it('counts a resolution breached before a reopen restarted it as breached', async () => {
    const t = routedTicket();
    await r.deps.tickets.create(t, []);
    await r.deps.sla.saveClock(
      clock({
        ticketId: t.id,
        clockId: 'partner.resolution',
        target: 'resolution',
        cycle: 1,
        completedAt: '2026-11-12T15:00:00.000Z',
        met: true,
        priorBreaches: 1,
      }),
      [],
    );
    await project(t.id);
    expect((await r.deps.reports.listFacts('acme', '2026-11'))[0]?.sla.resolution).toEqual({
      met: true,
      breached: true,
    });
  });

  it("files a ticket under the month it was received in the tenant's time zone", async () => {
    // 2026-12-01T02:00Z is 21:00 on 30 November in New York.
    const t = routedTicket({ receivedAt: '2026-12-01T02:00:00.000Z' });
    await r.deps.tickets.create(t, []);
    await project(t.id);
    expect((await r.deps.reports.listFacts('acme', '2026-11')).map((f) => f.ticketId)).toEqual([t.id]);
    expect(await r.deps.reports.listFacts('acme', '2026-12')).toEqual([]);
  });

  it('keeps an alert ticket closed without action apart from one somebody answered', async () => {
    const resolved = { status: 'resolved' as const, resolvedAt: '2026-11-10T16:00:00.000Z', version: 3 };
    const noise = routedTicket({ alert: { rule: 'nagios' }, occurrences: 4, ...resolved });
    const worked = routedTicket({ alert: { rule: 'nagios' }, ...resolved });
    const open = routedTicket({ occurrences: 2 });
    for (const t of [noise, worked, open]) await r.deps.tickets.create(t, []);
    await r.deps.messages.add('acme', worked.id, {
      id: 'm1',
      kind: 'note',
      direction: 'outbound',
      from: null,
      sentAt: '2026-11-10T15:30:00.000Z',
      receivedAt: '2026-11-10T15:30:00.000Z',
      text: 'Restarted the backup agent.',
      attachments: [],
      messageId: null,
      rawKey: null,
      notes: [],
      visibility: 'internal',
      author: { role: 'partner', email: 'dispatch@msp.example' },
    });
    for (const t of [noise, worked, open]) await project(t.id);
    const alerts = Object.fromEntries(
      (await r.deps.reports.listFacts('acme', '2026-11')).map((f) => [f.ticketId, f.alert]),
    );
    expect(alerts[noise.id]).toEqual({ occurrences: 4, closedWithoutAction: true });
    expect(alerts[worked.id]).toEqual({ occurrences: 1, closedWithoutAction: false });
    // Stored before the rule was kept on the ticket: its folded repeats make it an alert.
    expect(alerts[open.id]).toEqual({ occurrences: 2, closedWithoutAction: false });
  });

  it('counts a handoff to internal IT outside its hours as an interruption, one inside them not', async () => {
    const handoff = (at: string) => ({
      from: 'partner' as const,
      to: 'internal' as const,
      reason: 'needs a decision',
      at,
      by: { role: 'partner' },
    });
    // 03:00 and 11:00 on a Thursday in New York (the Wednesday before is Veterans Day).
    const t = routedTicket({
      owner: 'internal',
      handoffs: [handoff('2026-11-12T08:00:00.000Z'), handoff('2026-11-12T16:00:00.000Z')],
    });
    await r.deps.tickets.create(t, []);
    await project(t.id);
    const [f] = await r.deps.reports.listFacts('acme', '2026-11');
    expect(f?.afterHoursHandoffsToInternal).toBe(1);
    expect(f?.alert).toBeNull();
  });

  it('keeps no fact of a ticket the router has not routed yet', async () => {
    const t = routedTicket({ owner: null, priority: null, workload: null, version: 1 });
    await r.deps.tickets.create(t, []);
    expect(await project(t.id)).toBe(false);
    expect(await r.deps.reports.listFacts('acme', '2026-11')).toEqual([]);
  });
});

describe('publishing the monthly relief report', () => {
  const reliefEvents = (month?: string) =>
    r.bus.published.filter(
      (e) => e.detailType === 'MonthlyReliefReport' && (month === undefined || e.detail.month === month),
    );

  async function novemberFacts() {
    for (const receivedAt of ['2026-11-10T15:00:00.000Z', '2026-12-01T02:00:00.000Z']) {
      const t = routedTicket({ receivedAt });
      await r.deps.tickets.create(t, []);
      await project(t.id);
    }
  }

  it("waits for the month to close in the tenant's time zone, then publishes it exactly once", async () => {
    await novemberFacts();

    // 03:00Z on 1 December is 22:00 on 30 November in New York: November is not over there.
    r.clock.set('2026-12-01T03:00:00.000Z');
    expect(await publishMonthlyRelief(r.deps)).toEqual(['acme/2026-10']);
    expect(reliefEvents('2026-11')).toEqual([]);

    // 05:30Z is 00:30 on 1 December in New York.
    r.clock.set('2026-12-01T05:30:00.000Z');
    expect(await publishMonthlyRelief(r.deps)).toEqual(['acme/2026-11']);
    expect(await publishMonthlyRelief(r.deps)).toEqual([]);
    r.clock.set('2026-12-01T06:30:00.000Z');
    expect(await publishMonthlyRelief(r.deps)).toEqual([]);
    r.clock.set('2026-12-15T12:00:00.000Z');
    expect(await publishMonthlyRelief(r.deps)).toEqual([]);

    const november = reliefEvents('2026-11');
    expect(november).toHaveLength(1);
    expect(november[0]).toMatchObject({ source: 'psa.reporting', detailType: 'MonthlyReliefReport' });
    expect(november[0]?.detail).toMatchObject({
      eventId: 'acme:relief:2026-11',
      tenantId: 'acme',
      month: '2026-11',
      report: { month: '2026-11', totalTickets: 2, ticketsByOwner: { partner: 2, internal: 0, triage: 0 } },
    });
    expect(reliefEvents()).toHaveLength(2);
  });

  it('keeps the internal backlog as each month closes: its end, the next one’s start, and the trend', async () => {
    // Two internal tickets open through November, one more from December.
    for (const receivedAt of ['2026-11-03T15:00:00.000Z', '2026-11-20T15:00:00.000Z']) {
      await r.deps.tickets.create(routedTicket({ receivedAt, owner: 'internal' }), []);
    }
    r.clock.set('2026-12-01T05:30:00.000Z');
    await publishMonthlyRelief(r.deps);
    await r.deps.tickets.create(
      routedTicket({ receivedAt: '2026-12-02T15:00:00.000Z', owner: 'internal' }),
      [],
    );

    const principal = { sub: 'coo', tenant: 'acme', role: 'leadership' as const };
    const november = await getMonthly('relief', { tenantId: 'acme', principal, month: '2026-11' }, r.deps);
    expect('internalBacklog' in november && november.internalBacklog).toMatchObject({
      atStart: null,
      atEnd: 2,
      endAsOf: '2026-12-01T05:30:00.000Z',
      trend: null,
      oldestOpen: { receivedAt: '2026-11-03T15:00:00.000Z' },
    });
    r.clock.set('2026-12-10T15:00:00.000Z');
    const december = await getMonthly('relief', { tenantId: 'acme', principal, month: '2026-12' }, r.deps);
    expect('internalBacklog' in december && december.internalBacklog).toMatchObject({
      atStart: 2,
      atEnd: 3,
      trend: 1,
    });
  });

  it("publishes each tenant's previous month by that tenant's own time zone", async () => {
    const london = defaultDivisionOfWork('london', 'London Ltd');
    london.timeZone = 'Europe/London';
    london.internalCalendar.timeZone = 'Europe/London';
    await r.deps.tenants.putDivisionOfWork(DivisionOfWorkSchema.parse(london));
    r.clock.set('2026-11-30T12:00:00.000Z');
    expect((await publishMonthlyRelief(r.deps)).sort()).toEqual(['acme/2026-10', 'london/2026-10']);

    r.clock.set('2026-12-01T03:00:00.000Z');
    expect(await publishMonthlyRelief(r.deps)).toEqual(['london/2026-11']);

    r.clock.set('2026-12-01T05:30:00.000Z');
    expect(await publishMonthlyRelief(r.deps)).toEqual(['acme/2026-11']);

    expect(
      reliefEvents('2026-11')
        .map((e) => e.detail.tenantId)
        .sort(),
    ).toEqual(['acme', 'london']);
  });

  it('keeps a report published during a bus outage in the outbox; the reconciler delivers it once', async () => {
    await novemberFacts();
    r.clock.set('2026-12-01T05:30:00.000Z');
    r.bus.down = true;
    expect(await publishMonthlyRelief(r.deps)).toEqual(['acme/2026-11']);
    expect(reliefEvents()).toEqual([]);

    r.bus.down = false;
    r.clock.set('2026-12-01T06:30:00.000Z');
    expect(await publishMonthlyRelief(r.deps)).toEqual([]);
    expect(reliefEvents()).toEqual([]);

    const reconcile = () => reconcileOutbox({ ...r.deps, now: () => r.clock.now() });
    expect(await reconcile()).toEqual({ records: 1, failures: 0 });
    expect(await reconcile()).toEqual({ records: 0, failures: 0 });
    expect(reliefEvents('2026-11')).toHaveLength(1);
    expect(reliefEvents('2026-11')[0]?.detail.report).toMatchObject({ totalTickets: 2 });
  });
});
