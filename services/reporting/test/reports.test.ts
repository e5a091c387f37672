import type { TicketFact } from '@psa/model/report-facts';
import type { Owner, Priority, Ticket } from '@psa/model/ticket';
import { describe, expect, it } from 'vitest';
import { measureTables } from '../src/domain/measure-tables.ts';
import { afterHoursReport, backlogReport, monthOverMonth, reliefReport } from '../src/domain/reports.ts';

const NOW = new Date('2026-06-20T12:00:00.000Z');
const HOUR = 3_600_000;
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * HOUR).toISOString();

function open(id: string, owner: Owner, priority: Priority, ageHours: number): Ticket {
  return {
    tenantId: 'acme',
    id,
    number: 1,
    key: `ACME-${id}`,
    subject: 's',
    body: 'b',
    channel: 'web',
    requester: { email: 'r@acme.example' },
    requestedPriority: null,
    status: 'new',
    owner,
    workload: 'general-request',
    priority,
    afterHours: false,
    routing: null,
    handleMinutes: 30,
    receivedAt: hoursAgo(ageHours),
    updatedAt: hoursAgo(ageHours),
    firstRespondedAt: null,
    resolvedAt: null,
    history: [],
    replyTo: null,
    occurrences: 1,
    handoffs: [],
    version: 2,
  };
}

type Outcome = { met: boolean | null; breached: boolean } | null;
const MET = { met: true, breached: false };
const BREACHED = { met: false, breached: true };
const RUNNING = { met: null, breached: false };
/** Completed after its due time before any sweep flagged a breach. */
const LATE = { met: false, breached: false };

function fact(
  id: string,
  owner: Owner,
  over: {
    workload?: string | null;
    afterHours?: boolean;
    handleMinutes?: number;
    resolved?: boolean;
    priority?: Priority;
    firstResponse?: Outcome;
    resolution?: Outcome;
    nextUpdate?: Outcome;
    handoffs?: TicketFact['handoffs'];
    alert?: TicketFact['alert'];
    afterHoursHandoffsToInternal?: number;
    firstRespondedAt?: string;
  } = {},
): TicketFact {
  return {
    tenantId: 'acme',
    ticketId: id,
    key: `ACME-${id}`,
    month: '2026-11',
    owner,
    workload: over.workload === undefined ? 'general-request' : over.workload,
    priority: over.priority ?? 'P3',
    afterHours: over.afterHours ?? false,
    rule: null,
    handleMinutes: over.handleMinutes ?? 30,
    status: over.resolved ? 'resolved' : 'new',
    receivedAt: '2026-11-10T15:00:00.000Z',
    firstRespondedAt: over.firstRespondedAt ?? null,
    resolvedAt: over.resolved ? '2026-11-11T15:00:00.000Z' : null,
    sla: {
      firstResponse: over.firstResponse ?? null,
      resolution: over.resolution ?? null,
      nextUpdate: over.nextUpdate ?? null,
    },
    handoffs: over.handoffs ?? { toInternal: 0, toPartner: 0, acceptance: [] },
    alert: over.alert ?? null,
    afterHoursHandoffsToInternal: over.afterHoursHandoffsToInternal ?? 0,
    factVersion: 200_000,
  };
}

describe('backlog report', () => {
  const report = backlogReport(
    {
      partner: [
        open('p1', 'partner', 'P2', 3.9),
        open('p2', 'partner', 'P3', 4),
        open('p3', 'partner', 'P3', 30),
      ],
      internal: [
        open('i1', 'internal', 'P4', 72),
        open('i2', 'internal', 'P3', 200),
        open('i3', 'internal', 'P1', 100),
      ],
      triage: [],
    },
    NOW,
  );

  it('counts open tickets by owner and in total', () => {
    expect(report.asOf).toBe(NOW.toISOString());
    expect(report.total).toBe(6);
    expect(report.byOwner).toEqual({ partner: 3, internal: 3, triage: 0 });
  });

  it('counts open tickets by owner and priority', () => {
    expect(report.byPriority).toEqual({
      partner: { P1: 0, P2: 1, P3: 2, P4: 0 },
      internal: { P1: 1, P2: 0, P3: 1, P4: 1 },
      triage: { P1: 0, P2: 0, P3: 0, P4: 0 },
    });
  });

  it('puts each ticket in one age bucket, a boundary age in the older bucket', () => {
    expect(report.byAge).toEqual({
      partner: { under4h: 1, '4to24h': 1, '1to3d': 1, '3to7d': 0, over7d: 0 },
      internal: { under4h: 0, '4to24h': 0, '1to3d': 0, '3to7d': 2, over7d: 1 },
      triage: { under4h: 0, '4to24h': 0, '1to3d': 0, '3to7d': 0, over7d: 0 },
    });
  });

  it('names the oldest open ticket of each owner, wherever it sits in the list', () => {
    expect(report.oldestOpen).toEqual({
      partner: { id: 'p3', key: 'ACME-p3', receivedAt: hoursAgo(30), ageHours: 30 },
      internal: { id: 'i2', key: 'ACME-i2', receivedAt: hoursAgo(200), ageHours: 200 },
      triage: null,
    });
  });

  it('reports an empty backlog as zeroes', () => {
    const empty = backlogReport({ partner: [], internal: [], triage: [] }, NOW);
    expect(empty.total).toBe(0);
    expect(empty.byOwner).toEqual({ partner: 0, internal: 0, triage: 0 });
    expect(empty.oldestOpen).toEqual({ partner: null, internal: null, triage: null });
  });
});

describe('after-hours report', () => {
  const facts = [
    fact('a', 'partner', { workload: 'password-reset', afterHours: true }),
    fact('b', 'partner', { workload: 'connectivity', afterHours: true }),
    fact('c', 'internal', { workload: 'hardware', afterHours: true }),
    fact('d', 'triage', { workload: null, afterHours: true }),
    fact('e', 'internal', { workload: 'hardware', afterHours: false }),
    fact('f', 'partner', { workload: 'password-reset', afterHours: false }),
    fact('g', 'partner', { workload: 'password-reset', afterHours: true }),
  ];

  it('counts after-hours tickets by owner and workload, and their share of the month', () => {
    expect(afterHoursReport('2026-11', 'America/New_York', facts)).toEqual({
      month: '2026-11',
      timeZone: 'America/New_York',
      totalTickets: 7,
      afterHoursTickets: 5,
      afterHoursShare: 0.714,
      byOwner: { partner: 3, internal: 1, triage: 1 },
      byWorkload: {
        'password-reset': { partner: 2, internal: 0, triage: 0 },
        connectivity: { partner: 1, internal: 0, triage: 0 },
        hardware: { partner: 0, internal: 1, triage: 0 },
        unrecognised: { partner: 0, internal: 0, triage: 1 },
      },
    });
  });

  it('has no share for a month without tickets', () => {
    expect(afterHoursReport('2026-11', 'America/New_York', [])).toMatchObject({
      totalTickets: 0,
      afterHoursTickets: 0,
      afterHoursShare: null,
    });
  });
});

describe('relief report', () => {
  const facts = [
    fact('p1', 'partner', { handleMinutes: 15, resolved: true, firstResponse: MET, resolution: MET }),
    fact('p2', 'partner', {
      handleMinutes: 30,
      priority: 'P2',
      afterHours: true,
      resolved: true,
      firstResponse: MET,
      resolution: BREACHED,
    }),
    fact('p3', 'partner', { handleMinutes: 20, afterHours: true, firstResponse: RUNNING }),
    fact('i1', 'internal', { handleMinutes: 45, resolved: true, firstResponse: MET, resolution: MET }),
    fact('i2', 'internal', {
      handleMinutes: 45,
      priority: 'P1',
      afterHours: true,
      firstResponse: BREACHED,
      resolution: RUNNING,
    }),
    fact('i3', 'internal', { handleMinutes: 30, firstResponse: LATE }),
    fact('t1', 'triage', { workload: null, handleMinutes: 15, afterHours: true }),
  ];
  const report = reliefReport('2026-11', 'America/New_York', facts);

  it('counts tickets by owner and the share the partner took', () => {
    expect(report.month).toBe('2026-11');
    expect(report.timeZone).toBe('America/New_York');
    expect(report.totalTickets).toBe(7);
    expect(report.ticketsByOwner).toEqual({ partner: 3, internal: 3, triage: 1 });
    expect(report.partnerShare).toBe(0.429);
  });

  it('counts after-hours tickets and who handled them', () => {
    expect(report.afterHoursTickets).toBe(4);
    expect(report.afterHoursByOwner).toEqual({ partner: 2, internal: 1, triage: 1 });
    expect(report.afterHoursPartnerShare).toBe(0.5);
  });

  it("frees internal hours by the partner's tickets' handle minutes only", () => {
    // (15 + 30 + 20) minutes = 1.0833 hours, to two decimals.
    expect(report.internalHoursFreed).toBe(1.08);
  });

  it('counts tickets still open at report time by owner', () => {
    expect(report.openAtReport).toEqual({ internal: 2, partner: 1 });
  });

  it('measures SLA attainment by owner and target, ignoring clocks still running', () => {
    const byOwner = Object.fromEntries(
      Object.entries(report.slaAttainment).map(([owner, a]) => [
        owner,
        { firstResponse: a.firstResponse, resolution: a.resolution },
      ]),
    );
    expect(byOwner).toEqual({
      partner: {
        firstResponse: { measured: 2, met: 2, breached: 0, attainment: 1 },
        resolution: { measured: 2, met: 1, breached: 1, attainment: 0.5 },
      },
      internal: {
        firstResponse: { measured: 3, met: 1, breached: 2, attainment: 0.333 },
        resolution: { measured: 1, met: 1, breached: 0, attainment: 1 },
      },
      triage: {
        firstResponse: { measured: 0, met: 0, breached: 0, attainment: null },
        resolution: { measured: 0, met: 0, breached: 0, attainment: null },
      },
    });
  });

  it('breaks each owner’s SLA attainment down by priority', () => {
    const none = { measured: 0, met: 0, breached: 0, attainment: null };
    expect(report.slaAttainment.partner.byPriority).toEqual({
      P1: { firstResponse: none, resolution: none, nextUpdate: none },
      P2: {
        firstResponse: { measured: 1, met: 1, breached: 0, attainment: 1 },
        resolution: { measured: 1, met: 0, breached: 1, attainment: 0 },
        nextUpdate: none,
      },
      P3: {
        firstResponse: { measured: 1, met: 1, breached: 0, attainment: 1 },
        resolution: { measured: 1, met: 1, breached: 0, attainment: 1 },
        nextUpdate: none,
      },
      P4: { firstResponse: none, resolution: none, nextUpdate: none },
    });
    expect(report.slaAttainment.internal.byPriority.P1).toEqual({
      firstResponse: { measured: 1, met: 0, breached: 1, attainment: 0 },
      resolution: none,
      nextUpdate: none,
    });
    expect(report.slaAttainment.internal.byPriority.P3.firstResponse).toEqual({
      measured: 2,
      met: 1,
      breached: 1,
      attainment: 0.5,
    });
    // Each priority's counts add up to the owner's.
    for (const a of Object.values(report.slaAttainment)) {
      const sum = Object.values(a.byPriority).reduce((n, p) => n + p.resolution.measured, 0);
      expect(sum).toBe(a.resolution.measured);
    }
  });

  it('reports a month without tickets as zeroes and no shares', () => {
    expect(reliefReport('2026-12', 'America/New_York', [])).toMatchObject({
      totalTickets: 0,
      ticketsByOwner: { partner: 0, internal: 0, triage: 0 },
      partnerShare: null,
      afterHoursTickets: 0,
      afterHoursPartnerShare: null,
      internalHoursFreed: 0,
      openAtReport: { internal: 0, partner: 0 },
    });
  });
});

describe('handoffs and the trend in the relief report', () => {
  it('counts escalations and delegations per workload and how fast handoffs were accepted', () => {
    const r = reliefReport('2026-11', 'America/New_York', [
      fact('1', 'internal', {
        workload: 'connectivity',
        handoffs: { toInternal: 1, toPartner: 0, acceptance: [MET] },
      }),
      fact('2', 'internal', {
        workload: 'connectivity',
        handoffs: { toInternal: 1, toPartner: 0, acceptance: [BREACHED] },
      }),
      fact('3', 'partner', {
        workload: 'hardware',
        handoffs: { toInternal: 1, toPartner: 1, acceptance: [MET, RUNNING] },
      }),
      fact('4', 'partner', { workload: 'password-reset' }),
    ]);
    expect(r.handoffs).toEqual({
      escalationsToInternal: 3,
      delegationsToPartner: 1,
      byWorkload: {
        connectivity: { toInternal: 2, toPartner: 0 },
        hardware: { toInternal: 1, toPartner: 1 },
      },
      acceptance: { measured: 3, met: 2, breached: 1, attainment: 0.667 },
    });
  });

  it('compares a month with the one before', () => {
    const nov = reliefReport('2026-11', 'UTC', [
      fact('1', 'partner'),
      fact('2', 'partner'),
      fact('3', 'internal'),
    ]);
    const oct = reliefReport('2026-10', 'UTC', [fact('4', 'partner'), fact('5', 'internal')]);
    expect(monthOverMonth(nov, oct)).toEqual({
      previousMonth: '2026-10',
      totalTickets: 1,
      partnerShare: 0.167,
      afterHoursTickets: 0,
      internalHoursFreed: 0.5,
      escalationsToInternal: 0,
      satisfaction: expect.any(Object),
    });
  });
});

describe('satisfaction in the relief report', () => {
  const rated = (
    id: string,
    owner: Owner,
    rating: 'good' | 'okay' | 'bad',
    ratedOwner: Owner,
    workload: string,
  ) => ({
    ...fact(id, owner, { workload, resolved: true }),
    satisfaction: { rating, owner: ratedOwner },
  });

  it('counts ratings by the side they are attributed to and by workload, with the shares good and bad', () => {
    const nov = reliefReport('2026-11', 'UTC', [
      rated('1', 'partner', 'good', 'partner', 'password-reset'),
      rated('2', 'partner', 'good', 'partner', 'password-reset'),
      rated('3', 'partner', 'bad', 'partner', 'printer'),
      rated('4', 'partner', 'okay', 'partner', 'printer'),
      // Reassigned to internal after the partner resolved it: the rating stays the partner's.
      rated('5', 'internal', 'bad', 'partner', 'printer'),
      rated('6', 'internal', 'good', 'internal', 'payroll'),
      fact('7', 'internal'),
    ]);
    expect(nov.satisfaction).toEqual({
      count: 6,
      shareGood: 0.5,
      shareBad: 0.333,
      byOwner: {
        partner: { count: 5, shareGood: 0.4, shareBad: 0.4 },
        internal: { count: 1, shareGood: 1, shareBad: 0 },
        triage: { count: 0, shareGood: null, shareBad: null },
      },
      byWorkload: {
        'password-reset': { count: 2, shareGood: 1, shareBad: 0 },
        printer: { count: 3, shareGood: 0, shareBad: 0.667 },
        payroll: { count: 1, shareGood: 1, shareBad: 0 },
      },
    });
    const oct = reliefReport('2026-10', 'UTC', [
      rated('8', 'partner', 'good', 'partner', 'printer'),
      rated('9', 'partner', 'bad', 'partner', 'printer'),
    ]);
    expect(monthOverMonth(nov, oct).satisfaction).toEqual({
      count: 4,
      shareGood: 0,
      shareBad: -0.167,
      byOwner: {
        partner: { shareGood: -0.1, shareBad: -0.1 },
        internal: { shareGood: null, shareBad: null },
        triage: { shareGood: null, shareBad: null },
      },
    });
  });
});

describe('next-update attainment', () => {
  it('counts a side’s next-update record: breached if any period was, met once resolved clean', () => {
    const r = reliefReport('2026-11', 'UTC', [
      fact('1', 'partner', { nextUpdate: MET, priority: 'P2' }),
      fact('2', 'partner', { nextUpdate: BREACHED, priority: 'P2' }),
      fact('3', 'partner', { nextUpdate: RUNNING, priority: 'P2' }),
      fact('4', 'partner'),
    ]);
    expect(r.slaAttainment.partner?.nextUpdate).toEqual({
      measured: 2,
      met: 1,
      breached: 1,
      attainment: 0.5,
    });
    expect(r.slaAttainment.partner?.byPriority.P2.nextUpdate.measured).toBe(2);
  });
});

describe('alert quality and interruptions in the relief report', () => {
  // Arrivals at 15:00Z on 10 November; first responses 6, 30 and 60 minutes later.
  const at = (minutes: number) =>
    new Date(Date.parse('2026-11-10T15:00:00.000Z') + minutes * 60_000).toISOString();
  const facts = [
    fact('a1', 'partner', {
      alert: { occurrences: 5, closedWithoutAction: true },
      resolved: true,
      firstRespondedAt: at(6),
    }),
    fact('a2', 'partner', {
      alert: { occurrences: 1, closedWithoutAction: false },
      resolved: true,
      firstRespondedAt: at(30),
    }),
    fact('a3', 'internal', {
      alert: { occurrences: 3, closedWithoutAction: false },
      firstRespondedAt: at(60),
    }),
    fact('t1', 'internal', { afterHours: true, priority: 'P1' }),
    fact('t2', 'internal', { afterHours: true, priority: 'P4' }),
    fact('t3', 'internal', { priority: 'P2', afterHoursHandoffsToInternal: 1 }),
    fact('t4', 'partner', { afterHours: true, priority: 'P1' }),
  ];
  const report = reliefReport('2026-11', 'America/New_York', facts);

  it('counts alert tickets, the occurrences folded into them and the noise removed', () => {
    expect(report.alertQuality).toMatchObject({ tickets: 3, occurrences: 9, folded: 6, closed: 2 });
  });

  it('gives the share of closed alert tickets nobody acted on, and the mean minutes to acknowledge', () => {
    expect(report.alertQuality.closedWithoutAction).toBe(1);
    expect(report.alertQuality.closedWithoutActionShare).toBe(0.5);
    expect(report.alertQuality.meanMinutesToAcknowledge).toBe(32);
    expect(report.alertQuality.byOwner.partner).toMatchObject({
      tickets: 2,
      folded: 4,
      meanMinutesToAcknowledge: 18,
    });
    expect(report.alertQuality.byOwner.internal).toMatchObject({
      tickets: 1,
      closed: 0,
      closedWithoutActionShare: null,
    });
  });

  it('counts internal-owned after-hours tickets and the P1/P2 pages that reached internal IT', () => {
    expect(report.interruptions).toEqual({
      afterHoursInternalTickets: 2,
      urgentPagesToInternal: 2,
      byPriority: { P1: 1, P2: 0, P3: 0, P4: 1 },
      afterHoursHandoffsToInternal: 1,
    });
  });

  it('lays them out as tables: alert quality by side, interruptions by priority', () => {
    const tables = measureTables(report as unknown as Record<string, unknown>);
    const [alerts, interruptions] = tables;
    expect(alerts!.id).toBe('alert-quality');
    expect(alerts!.columns.map((c) => c.label)).toEqual([
      'Held by',
      'Alert tickets',
      'Alerts received',
      'Repeats folded',
      'Closed',
      'Closed without action',
      'Share closed without action',
      'Mean time to acknowledge',
    ]);
    expect(alerts!.rows.slice(0, 3)).toEqual([
      ['All alert tickets', 3, 9, 6, 2, 1, 0.5, 32],
      ['MSP partner', 2, 6, 4, 2, 1, 0.5, 18],
      ['Internal IT', 1, 3, 2, 0, 0, null, 60],
    ]);
    expect(interruptions!.id).toBe('interruptions');
    expect(interruptions!.rows).toEqual([
      ['Internal-owned tickets received', 1, 0, 0, 1, 2],
      ['P1/P2 pages that reached internal IT', null, null, null, null, 2],
      ['Tickets handed to internal IT', null, null, null, null, 1],
    ]);
    // The partner's view carries its own side's alert figures only.
    const partnerOnly = measureTables({
      alertQuality: { byOwner: { partner: report.alertQuality.byOwner.partner } },
    });
    expect(partnerOnly.map((t) => t.rows.map((r) => r[0]))).toEqual([['MSP partner']]);
  });

  it('reads a month without alerts as zeroes and nulls, never as a division by zero', () => {
    const empty = reliefReport('2026-11', 'America/New_York', []);
    expect(empty.alertQuality).toMatchObject({
      tickets: 0,
      closedWithoutActionShare: null,
      meanMinutesToAcknowledge: null,
    });
    expect(empty.interruptions.urgentPagesToInternal).toBe(0);
  });
});
