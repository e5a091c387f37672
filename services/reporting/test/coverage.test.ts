import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { reportingRoutes } from '@psa/contracts/http/reporting-routes';
import { HTTP_ROUTES } from '@psa/contracts/wiring';
import type { Role } from '@psa/http/auth';
import { DivisionOfWorkSchema } from '@psa/model/division-of-work';
import { defaultDivisionOfWork } from '@psa/model/division-of-work-default';
import type { Priority, Ticket } from '@psa/model/ticket';
import { decideRouting } from '@psa/routing/decide';
import { testAuth } from '@psa/testing/auth';
import { ticketFixture } from '@psa/testing/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createReportingApp } from '../src/app.ts';
import { startReporting } from './support.ts';

const COVERAGE = '/v1/tenants/acme/reports/routing-coverage';

const auth = await testAuth();
const token = (claims: { role: Role; tenant?: string }) => auth.sign(claims);

interface Arrival {
  /** Label to find the ticket by in assertions. */
  name: string;
  at: string;
  subject: string;
  body?: string;
  requester?: string;
  priority?: Priority;
}

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

let r: Awaited<ReturnType<typeof startReporting>>;
let app: ReturnType<typeof createReportingApp>;
let tickets: Map<string, string>;

/**
 * Arrivals routed in time order as the router routes them: by the tenant's current division of
 * work, each decision seeing the internal backlog the open index holds at that moment.
 */
async function route(arrivals: Arrival[]): Promise<Map<string, Ticket>> {
  const out = new Map<string, Ticket>();
  for (const a of arrivals) {
    r.clock.set(a.at);
    const dow = (await r.deps.tenants.getDivisionOfWork('acme'))!;
    const ticket = ticketFixture({
      subject: a.subject,
      body: a.body ?? a.subject,
      channel: 'web',
      requester: { email: a.requester ?? 'pat@acme.example' },
      requestedPriority: a.priority ?? null,
      receivedAt: a.at,
    });
    const { routing, ...decided } = decideRouting({
      subject: ticket.subject,
      body: ticket.body,
      requesterEmail: ticket.requester.email,
      channel: ticket.channel,
      requestedPriority: ticket.requestedPriority,
      receivedAt: new Date(a.at),
      internalOpenBacklog: await r.deps.tickets.countOpen('acme', 'internal', dow.overflowLimit + 1),
      dow,
    });
    const routed: Ticket = { ...ticket, ...decided, routing: { ...routing, decidedAt: a.at }, version: 2 };
    await r.deps.tickets.create(routed, []);
    out.set(a.name, routed);
  }
  return out;
}

/** Every item in the table: a report that must only read leaves this unchanged. */
async function itemCount(): Promise<number> {
  const out = await r.table.doc.send(new ScanCommand({ TableName: r.table.tableName, Select: 'COUNT' }));
  return out.Count ?? 0;
}

async function get(path: string, bearer: string) {
  const res = await app.request(path, { headers: { authorization: `Bearer ${bearer}` } });
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies are read loosely in assertions.
  const body: any = await res.json();
  return { status: res.status, body };
}

beforeEach(async () => {
  r = await startReporting('2026-11-01T00:00:00.000Z');
  app = createReportingApp({
    ...r.deps,
    authenticate: auth.authenticate,
  });
  const v1 = await route(UNDER_V1);
  // Version 2 gives hardware to the partner, published mid-month.
  r.clock.set('2026-11-16T14:00:00.000Z');
  const doc = defaultDivisionOfWork();
  doc.workloads.find((w) => w.id === 'hardware')!.owner = 'partner';
  await r.deps.tenants.putDivisionOfWork(
    DivisionOfWorkSchema.parse({ ...doc, version: 2, effectiveFrom: r.clock.now().toISOString() }),
  );
  const v2 = await route(UNDER_V2);
  tickets = new Map([...v1, ...v2].map(([name, t]) => [name, t.id]));
});
afterEach(() => r.stop());

describe('routing coverage of a month', () => {
  it('counts triage, unrecognised, workload and rule hits of the month in the tenant zone, exactly', async () => {
    const res = await get(`${COVERAGE}?month=2026-11`, await token({ role: 'leadership' }));

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
    const res = await get(`${COVERAGE}?month=2026-11`, await token({ role: 'internal' }));
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
    r.clock.set('2026-12-01T04:45:00.000Z'); // still 30 Nov in New York
    const res = await get(COVERAGE, await token({ role: 'internal' }));
    expect(res.body.month).toBe('2026-11');
    expect(res.body.tickets).toBe(12);
  });

  it('reads only: no table item changes', async () => {
    const before = await itemCount();
    await get(`${COVERAGE}?month=2026-11`, await token({ role: 'internal' }));
    expect(await itemCount()).toBe(before);
  });

  it('serves internal and leadership only, and names query.month for a month that is not YYYY-MM', async () => {
    const path = `${COVERAGE}?month=2026-06`;
    expect((await get(path, await token({ role: 'internal' }))).status).toBe(200);
    expect((await get(path, await token({ role: 'leadership' }))).status).toBe(200);
    expect((await get(path, await token({ role: 'partner' }))).status).toBe(403);
    expect((await get(path, await token({ role: 'internal', tenant: 'globex' }))).status).toBe(404);
    const bad = await get(`${COVERAGE}?month=June`, await token({ role: 'internal' }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].path).toBe('query.month');
  });
});

describe('wiring', () => {
  /** The functions whose HTTP_ROUTES entries match a concrete path (`{param}` matches one segment). */
  const servedBy = (method: string, path: string) =>
    HTTP_ROUTES.filter(
      (h) => h.method === method && new RegExp(`^${h.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
    ).map((h) => h.functionId);

  it('sends every reporting route, routing coverage included, to ReportingApi', () => {
    for (const r of Object.values(reportingRoutes)) {
      const served = servedBy(r.method.toUpperCase(), r.path);
      expect(served.length, r.path).toBeGreaterThan(0);
      expect(new Set(served), r.path).toEqual(new Set(['ReportingApi']));
    }
  });
});
