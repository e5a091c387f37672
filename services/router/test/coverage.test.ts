import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Arrival, draft, type RouterApi, startRouterApi, token, workload } from './api-support.ts';

const COVERAGE = '/v1/tenants/acme/reports/routing-coverage';

/** November 2026 in New York (EDT until 06:00Z on Nov 1, then EST: 15:00Z is 10:00). */
const UNDER_V1: Arrival[] = [
  // 23:30 on Sat 31 Oct in New York, though already November in UTC: October's.
  { name: 'october', at: '2026-11-01T03:30:00.000Z', subject: 'Laptop screen cracked' },
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
  },
  {
    name: 'laptop',
    at: '2026-11-03T15:00:00.000Z',
    subject: 'Laptop screen cracked',
    body: 'my laptop is broken',
  },
  {
    name: 'printer',
    at: '2026-11-04T16:00:00.000Z',
    subject: 'Printer jammed again',
    body: 'paper jam on the 2nd floor printer',
  },
  {
    name: 'quote',
    at: '2026-11-06T15:00:00.000Z',
    subject: 'Quote for 10 new laptops',
    body: 'please approve the purchase order',
  },
  {
    name: 'mystery',
    at: '2026-11-10T15:00:00.000Z',
    subject: 'Question',
    body: 'Hello, quick question for you when you have a moment.',
  },
  { name: 'lunch', at: '2026-11-10T16:00:00.000Z', subject: 'Lunch', body: 'Anyone up for lunch on Friday?' },
  {
    name: 'ceo',
    at: '2026-11-12T15:00:00.000Z',
    subject: 'Call me',
    body: 'Please call me when you can',
    requester: 'ceo@acme.example',
  },
  // 22:00 Thu 12 Nov: a P3 hardware ticket waits for internal; a P1 goes to after-hours cover.
  {
    name: 'night-laptop',
    at: '2026-11-13T03:00:00.000Z',
    subject: "Laptop won't turn on",
    body: 'since last night',
  },
  {
    name: 'night-p1',
    at: '2026-11-14T03:00:00.000Z',
    subject: "Laptop won't turn on",
    body: 'I present to the board at 8',
    priority: 'P1',
  },
];
const UNDER_V2: Arrival[] = [
  { name: 'dock', at: '2026-11-17T15:00:00.000Z', subject: 'Docking station not detecting monitors' },
  // 23:30 on Mon 30 Nov in New York, already December in UTC: November's.
  {
    name: 'last',
    at: '2026-12-01T04:30:00.000Z',
    subject: 'VPN keeps dropping',
    body: 'cannot connect to the VPN',
  },
  {
    name: 'december',
    at: '2026-12-01T05:30:00.000Z',
    subject: 'VPN keeps dropping',
    body: 'cannot connect to the VPN',
  },
];

let api: RouterApi;
let tickets: Map<string, string>;
beforeEach(async () => {
  api = await startRouterApi();
  const internal = await token({ role: 'internal', email: 'it-lead@acme.example' });
  const v1 = await api.history(UNDER_V1);
  api.clock.set('2026-11-16T14:00:00.000Z');
  const put = await api.call('PUT', '/v1/tenants/acme/division-of-work', {
    token: internal,
    json: draft((d) => {
      workload(d, 'hardware').owner = 'partner';
    }),
  });
  expect(put.status).toBe(201);
  const v2 = await api.history(UNDER_V2);
  tickets = new Map([...v1, ...v2].map(([name, t]) => [name, t.id]));
});
afterEach(() => api.stop());

describe('routing coverage of a month', () => {
  it('counts triage, unrecognised, workload and rule hits of the month in the tenant zone, exactly', async () => {
    const res = await api.call('GET', `${COVERAGE}?month=2026-11`, {
      token: await token({ role: 'leadership' }),
    });

    expect(res.status).toBe(200);
    const r = res.body;
    expect(r.window).toEqual({ from: '2026-11-01T04:00:00.000Z', to: '2026-12-01T05:00:00.000Z' });
    expect(r.currentVersion).toBe(2);
    expect(r.tickets).toBe(12);
    expect(r.unrouted).toBe(0);
    expect(r.triage).toEqual({ count: 2, share: 0.167 });
    expect(r.unrecognised).toEqual({ count: 3, share: 0.25 });
    expect(r.workloadHits).toEqual({
      'password-reset': 1,
      connectivity: 2,
      'endpoint-security': 0,
      'monitoring-alert': 0,
      'm365-admin': 0,
      'phishing-report': 0,
      hardware: 5,
      'general-request': 0,
      'purchasing-budget': 1,
      'security-exception': 0,
      'strategic-project': 0,
      unrecognised: 3,
    });
    expect(r.ruleCounts).toEqual({
      guardrail: 1,
      vip: 1,
      'workload-owner': 7,
      'after-hours': 1,
      overflow: 0,
      triage: 2,
    });
    expect(r.byVersion).toEqual({ '1': 10, '2': 2 });
  });

  it('lists the tickets the current version would route differently, and why', async () => {
    const res = await api.call('GET', `${COVERAGE}?month=2026-11`, {
      token: await token({ role: 'internal' }),
    });
    const drift = res.body.drift;

    expect(drift).toMatchObject({
      count: 4,
      ownerChanged: 3,
      workloadChanged: 0,
      ruleChanged: 1,
      truncated: false,
    });
    const byId = new Map(drift.items.map((i: { id: string }) => [i.id, i]));
    for (const name of ['laptop', 'printer', 'night-laptop']) {
      expect(byId.get(tickets.get(name)), name).toMatchObject({
        actual: { owner: 'internal', rule: 'workload-owner', workload: 'hardware', divisionOfWorkVersion: 1 },
        replayed: { owner: 'partner', rule: 'workload-owner', workload: 'hardware' },
        differs: ['owner'],
      });
    }
    // Already with the partner (after-hours P1 cover); v2 gives it to the partner as owner of hardware.
    expect(byId.get(tickets.get('night-p1'))).toMatchObject({
      actual: { owner: 'partner', rule: 'after-hours' },
      replayed: {
        owner: 'partner',
        rule: 'workload-owner',
        reasons: expect.arrayContaining(["partner owns 'hardware' (division of work v2)"]),
      },
      differs: ['rule'],
    });
  });

  it('covers the current month of the tenant zone when no month is given', async () => {
    api.clock.set('2026-12-01T04:45:00.000Z'); // still 30 Nov in New York
    const res = await api.call('GET', COVERAGE, { token: await token({ role: 'internal' }) });
    expect(res.body.month).toBe('2026-11');
    expect(res.body.tickets).toBe(12);
  });

  it('reads only: no table item changes', async () => {
    const before = await api.itemCount();
    await api.call('GET', `${COVERAGE}?month=2026-11`, { token: await token({ role: 'internal' }) });
    expect(await api.itemCount()).toBe(before);
  });
});
