import { DivisionOfWorkSchema } from '@psa/model/division-of-work';
import { defaultDivisionOfWork } from '@psa/model/division-of-work-default';
import type { Ticket } from '@psa/model/ticket';
import { simulateMonth } from '@psa/routing/simulate';
import { afterEach, describe, expect, it } from 'vitest';
import { type Arrival, draft, type RouterApi, startRouterApi, token, workload } from './api-support.ts';

const SIMULATE = '/v1/tenants/acme/division-of-work/simulate';

let api: RouterApi;
afterEach(() => api.stop());

const hardwareToPartner = () =>
  draft((d) => {
    workload(d, 'hardware').owner = 'partner';
  });

/** November 2026 in New York (EST, UTC-5 from Nov 1): 15:00Z is 10:00, a business hour. */
const NOVEMBER: Arrival[] = [
  {
    name: 'pw',
    at: '2026-11-02T15:00:00.000Z',
    subject: 'Locked out of my account',
    body: 'I forgot my password',
  },
  {
    name: 'vpn',
    at: '2026-11-02T16:00:00.000Z',
    subject: 'VPN keeps dropping',
    body: 'cannot connect to the VPN from home',
    resolvedAt: '2026-11-02T18:00:00.000Z',
  },
  {
    name: 'laptop',
    at: '2026-11-03T15:00:00.000Z',
    subject: 'Laptop screen cracked',
    body: 'my laptop is broken and I need a replacement',
    resolvedAt: '2026-11-04T15:00:00.000Z',
  },
  {
    name: 'printer',
    at: '2026-11-04T16:00:00.000Z',
    subject: 'Printer jammed again',
    body: 'paper jam on the 2nd floor printer',
  },
  {
    name: 'acrobat',
    at: '2026-11-05T15:00:00.000Z',
    subject: 'Software request',
    body: 'Please install Adobe Acrobat on my PC',
  },
  {
    name: 'quote',
    at: '2026-11-06T15:00:00.000Z',
    subject: 'Quote for 10 new laptops',
    body: 'please approve the purchase order for the sales team laptops',
  },
  { name: 'dock', at: '2026-11-09T15:00:00.000Z', subject: 'Docking station not detecting monitors' },
  {
    name: 'mystery',
    at: '2026-11-10T15:00:00.000Z',
    subject: 'Question',
    body: 'Hello, quick question for you when you have a moment.',
  },
  // 22:00 on Wed 11 Nov, Veterans Day: after hours; a P3 hardware ticket waits for internal.
  {
    name: 'night-laptop',
    at: '2026-11-12T03:00:00.000Z',
    subject: "Laptop won't turn on",
    body: 'since last night',
  },
];

const ids = (items: { id: string }[]) => items.map((i) => i.id).sort();
const idsOf = (tickets: Map<string, Ticket>, names: string[]) => names.map((n) => tickets.get(n)!.id).sort();

describe('what-if simulation over a month of real tickets', () => {
  it('moving hardware to the partner changes exactly the hardware tickets, with the effect in numbers', async () => {
    api = await startRouterApi();
    const tickets = await api.history(NOVEMBER);
    // What actually happened, as the real router decided it.
    expect([...tickets.values()].filter((t) => t.workload === 'hardware').map((t) => t.owner)).toEqual([
      'internal',
      'internal',
      'internal',
      'internal',
    ]);

    const res = await api.call('POST', SIMULATE, {
      token: await token({ role: 'internal' }),
      json: { month: '2026-11', proposal: hardwareToPartner() },
    });

    expect(res.status).toBe(200);
    const r = res.body;
    expect(ids(r.changes.items)).toEqual(idsOf(tickets, ['laptop', 'printer', 'dock', 'night-laptop']));
    expect(r.changes).toMatchObject({ count: 4, workloadChanged: 0, ruleChanged: 0, truncated: false });
    for (const c of r.changes.items) {
      expect(c.actual).toMatchObject({
        owner: 'internal',
        rule: 'workload-owner',
        workload: 'hardware',
        divisionOfWorkVersion: 1,
      });
      expect(c.replayed).toMatchObject({ owner: 'partner', rule: 'workload-owner', workload: 'hardware' });
      expect(c.replayed.reasons[0]).toBe("partner owns 'hardware' (division of work v2)");
      expect(c.differs).toEqual(['owner']);
    }
    const laptop = r.changes.items.find((c: { id: string }) => c.id === tickets.get('laptop')!.id);
    expect(laptop).toMatchObject({ key: tickets.get('laptop')!.key, subject: 'Laptop screen cracked' });

    expect(r.tickets).toBeUndefined();
    expect(r.actual.tickets).toBe(9);
    // pw, vpn partner; laptop, printer, acrobat, quote, dock, night-laptop internal; mystery triage.
    expect(r.actual.ticketsByOwner).toEqual({ partner: 2, internal: 6, triage: 1 });
    expect(r.simulated.ticketsByOwner).toEqual({ partner: 6, internal: 2, triage: 1 });
    expect(r.actual.partnerShare).toBe(0.222);
    expect(r.simulated.partnerShare).toBe(0.667);
    expect(r.delta).toEqual({
      ticketsByOwner: { partner: 4, internal: -4, triage: 0 },
      partnerShare: 0.445,
      afterHoursAbsorbedByPartner: 1,
      partnerHandleMinutes: 4 * 45,
      internalHoursFreed: 3,
    });
    expect(r.actual.afterHours).toEqual({
      tickets: 1,
      byOwner: { partner: 0, internal: 1, triage: 0 },
      absorbedByPartner: 0,
    });
    expect(r.simulated.afterHours.absorbedByPartner).toBe(1);
    // password reset 15 + connectivity 30 under both; the four hardware tickets add 4 x 45.
    expect(r.actual.partnerHandleMinutes).toBe(45);
    expect(r.simulated.partnerHandleMinutes).toBe(225);
    expect(r.simulated.internalHoursFreed).toBe(3.75);
    expect(r.simulated.workloadHits).toMatchObject({
      'password-reset': 1,
      connectivity: 1,
      hardware: 4,
      'general-request': 1,
      'purchasing-budget': 1,
      unrecognised: 1,
      'phishing-report': 0,
    });
    expect(r.actual.divisionOfWorkVersions).toEqual([1]);
    expect(r.proposal).toEqual({ name: 'Acme Corp', workloads: 11, comparedWithVersion: 1 });
  });

  it('replaying the version that routed the month reproduces every decision', async () => {
    api = await startRouterApi();
    await api.history(NOVEMBER);
    const res = await api.call('POST', SIMULATE, {
      token: await token({ role: 'leadership' }),
      json: { month: '2026-11', proposal: draft() },
    });
    expect(res.body.changes).toEqual({
      count: 0,
      workloadChanged: 0,
      ruleChanged: 0,
      truncated: false,
      items: [],
    });
    expect(res.body.simulated).toEqual(
      Object.fromEntries(Object.entries(res.body.actual).filter(([k]) => k !== 'divisionOfWorkVersions')),
    );
  });

  it('writes nothing: every table item is as it was', async () => {
    api = await startRouterApi();
    await api.history(NOVEMBER);
    const before = await api.itemCount();
    const beforeTickets = (await api.deps.tickets.list({ tenantId: 'acme', limit: 100 })).items;

    const res = await api.call('POST', SIMULATE, {
      token: await token({ role: 'internal' }),
      yaml: `month: 2026-11\nbacklog: replayed\nproposal:\n${JSON.stringify(hardwareToPartner())
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n')}\n`,
    });

    expect(res.status).toBe(200);
    expect(res.body.backlog.mode).toBe('replayed');
    expect(await api.itemCount()).toBe(before);
    expect((await api.deps.tickets.list({ tenantId: 'acme', limit: 100 })).items).toEqual(beforeTickets);
    expect((await api.deps.tenants.listVersions('acme')).map((v) => v.version)).toEqual([1]);
  });
});

describe('backlog reconstruction', () => {
  /**
   * Overflow limit 2. October leaves two internal tickets open into November (one resolved on
   * Nov 3); November's arrivals meet a backlog that rises and falls with resolutions, a handoff
   * to internal and a reopening. The real router counted the open index at each arrival.
   */
  const LIMIT_2 = DivisionOfWorkSchema.parse({ ...defaultDivisionOfWork(), overflowLimit: 2 });
  const HISTORY: Arrival[] = [
    { name: 'oct-a', at: '2026-10-28T14:00:00.000Z', subject: 'Laptop screen cracked' },
    {
      name: 'oct-b',
      at: '2026-10-29T14:00:00.000Z',
      subject: 'Printer jammed again',
      resolvedAt: '2026-11-03T20:00:00.000Z',
    },
    {
      name: 'oct-c',
      at: '2026-10-30T14:00:00.000Z',
      subject: 'Docking station not detecting monitors',
      resolvedAt: '2026-10-31T14:00:00.000Z',
    },
    {
      name: 'n1',
      at: '2026-11-02T15:00:00.000Z',
      subject: 'Docking station not detecting monitors',
      resolvedAt: '2026-11-05T14:00:00.000Z',
    },
    {
      name: 'n2',
      at: '2026-11-02T16:00:00.000Z',
      subject: 'Software request',
      body: 'Please install Adobe Acrobat on my PC',
      later: [
        { at: '2026-11-05T18:00:00.000Z', handoffTo: 'internal' },
        { at: '2026-11-09T14:00:00.000Z', status: 'resolved' },
      ],
    },
    { name: 'n3', at: '2026-11-03T15:00:00.000Z', subject: "Laptop won't turn on" },
    {
      name: 'n4',
      at: '2026-11-04T15:00:00.000Z',
      subject: 'Need a second monitor for my desk',
      later: [
        { at: '2026-11-06T14:30:00.000Z', status: 'resolved' },
        { at: '2026-11-06T15:30:00.000Z', status: 'reopened' },
        { at: '2026-11-09T14:30:00.000Z', status: 'resolved' },
      ],
    },
    {
      name: 'n5',
      at: '2026-11-04T16:00:00.000Z',
      subject: 'Quote for 10 new laptops',
      body: 'please approve the purchase order',
      resolvedAt: '2026-11-06T14:00:00.000Z',
    },
    {
      name: 'n6',
      at: '2026-11-05T15:00:00.000Z',
      subject: 'Printer jammed again',
      body: 'paper jam on the 2nd floor printer',
    },
    { name: 'n7', at: '2026-11-06T16:00:00.000Z', subject: 'Laptop screen cracked' },
    { name: 'n8', at: '2026-11-09T15:00:00.000Z', subject: 'Docking station not detecting monitors' },
  ];

  async function play() {
    api = await startRouterApi({ acme: LIMIT_2 });
    return api.history(HISTORY);
  }
  const simulate = (proposal: unknown, backlog: 'actual' | 'replayed', lookbackDays?: number) =>
    simulateMonth(
      { tenantId: 'acme', month: '2026-11', proposal, backlog },
      api.deps,
      lookbackDays === undefined ? {} : { lookbackDays },
    );

  it('the real router overflowed exactly when the open backlog exceeded 2 (the scenario is what it claims)', async () => {
    const tickets = await play();
    const rule = (n: string) => tickets.get(n)!.routing!.rule;
    expect(['n1', 'n4', 'n8'].map(rule)).toEqual(['workload-owner', 'workload-owner', 'workload-owner']);
    expect(['n2', 'n3', 'n6', 'n7'].map(rule)).toEqual(['overflow', 'overflow', 'overflow', 'overflow']);
    expect(rule('n5')).toBe('guardrail');
    // n2 overflowed only because of October's carry-over: three open internal tickets at 11:00 on Nov 2.
    expect(tickets.get('n2')!.routing!.reasons.join(' ')).toMatch(
      /internal open backlog 3 exceeds the overflow limit 2/,
    );
  });

  it('replaying the same version fires overflow exactly where the router did, from carry-over, resolutions, handoffs and reopenings', async () => {
    await play();
    const r = await simulate(
      draft((d) => {
        d.overflowLimit = 2;
      }),
      'actual',
    );
    expect(r.changes.count).toBe(0);
    expect(r.changes.ruleChanged).toBe(0);
    expect(r.simulated.ruleCounts.overflow).toBe(4);
    expect(r.backlog).toMatchObject({
      mode: 'actual',
      atMonthStart: 2,
      overflowInForce: 5,
      check: { compared: 8, agreed: 8 },
    });
    // e.g. n7 met oct-a, n2 (handed to internal) and n4 (reopened); the guardrail n5 met 3 as well.
    expect(r.backlog.max).toBe(3);
  });

  it('without the lookback, a carried-over ticket resolved since is missed and the first overflow disappears', async () => {
    const tickets = await play();
    const r = await simulate(
      draft((d) => {
        d.overflowLimit = 2;
      }),
      'actual',
      0,
    );
    // oct-a is still open (the open index has it); oct-b was resolved on Nov 3 and is not seen.
    expect(r.backlog.atMonthStart).toBe(1);
    expect(ids(r.changes.items)).toEqual(idsOf(tickets, ['n2', 'n3']));
    expect(r.backlog.check).toEqual({ compared: 8, agreed: 6 });
  });

  it("in 'actual' mode a proposal changes decisions, not the backlog they see; in 'replayed' mode it changes both", async () => {
    const tickets = await play();
    const proposal = draft((d) => {
      d.overflowLimit = 2;
      workload(d, 'hardware').owner = 'partner';
    });

    const actual = await simulate(proposal, 'actual');
    // n3, n6, n7 were already with the partner (by overflow): same owner, another rule.
    expect(ids(actual.changes.items)).toEqual(idsOf(tickets, ['n1', 'n4', 'n8']));
    expect(actual.changes.ruleChanged).toBe(3);

    const replayed = await simulate(proposal, 'replayed');
    // Hardware off internal's plate: n2 meets only October's two tickets and stays internal.
    expect(ids(replayed.changes.items)).toEqual(idsOf(tickets, ['n1', 'n2', 'n4', 'n8']));
    const n2 = replayed.changes.items.find((c) => c.id === tickets.get('n2')!.id)!;
    expect(n2.actual).toMatchObject({ owner: 'partner', rule: 'overflow' });
    expect(n2.replayed).toMatchObject({ owner: 'internal', rule: 'workload-owner' });
    expect(replayed.simulated.ruleCounts.overflow).toBe(0);
  });
});
