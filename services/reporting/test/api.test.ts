import type { Role } from '@psa/http/auth';
import { createTestIssuer } from '@psa/testing/tokens';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReportingApp } from '../src/app.ts';
import { projectTicket } from '../src/domain/project.ts';
import { routedTicket, startReporting } from './support.ts';

/** The leadership reports API in process, over facts and open tickets in a fresh table. */
const issuer = await createTestIssuer();

let r: Awaited<ReturnType<typeof startReporting>>;
let app: ReturnType<typeof createReportingApp>;

beforeAll(async () => {
  r = await startReporting('2026-11-20T17:00:00.000Z');
  app = createReportingApp({
    ...r.deps,
    authenticate: issuer.authenticate,
  });
  const tickets = [
    routedTicket({
      owner: 'internal',
      workload: 'hardware',
      priority: 'P3',
      receivedAt: '2026-11-20T15:00:00.000Z',
    }),
    routedTicket({
      owner: 'internal',
      workload: 'hardware',
      priority: 'P2',
      receivedAt: '2026-11-18T17:00:00.000Z',
    }),
    routedTicket({ owner: 'partner', afterHours: true, receivedAt: '2026-11-19T03:00:00.000Z' }),
    routedTicket({
      owner: 'internal',
      status: 'resolved',
      resolvedAt: '2026-11-10T18:00:00.000Z',
      receivedAt: '2026-11-10T15:00:00.000Z',
    }),
  ];
  for (const t of tickets) {
    await r.deps.tickets.create(t, []);
    await projectTicket({ tenantId: 'acme', ticketId: t.id }, r.deps);
  }
});
afterAll(() => r.stop());

const tokenFor = (role: Role, tenant = 'acme') => issuer.sign({ tenant, role });

async function get(path: string, token?: string) {
  const res = await app.request(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies are read loosely in assertions.
  const body: any = await res.json();
  return { status: res.status, body };
}

describe('leadership reports over HTTP', () => {
  it('answers the backlog from open tickets only, by owner, priority and age', async () => {
    const res = await get('/v1/tenants/acme/reports/backlog', await tokenFor('leadership'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      asOf: '2026-11-20T17:00:00.000Z',
      total: 3,
      byOwner: { partner: 1, internal: 2, triage: 0 },
      byPriority: { internal: { P1: 0, P2: 1, P3: 1, P4: 0 } },
      byAge: { internal: { under4h: 1, '4to24h': 0, '1to3d': 1, '3to7d': 0, over7d: 0 } },
    });
    expect(res.body.oldestOpen.internal.ageHours).toBe(48);
  });

  it('answers the relief and after-hours reports of a month', async () => {
    const relief = await get('/v1/tenants/acme/reports/relief?month=2026-11', await tokenFor('leadership'));
    expect(relief.status).toBe(200);
    expect(relief.body).toMatchObject({
      month: '2026-11',
      totalTickets: 4,
      ticketsByOwner: { partner: 1, internal: 3, triage: 0 },
      partnerShare: 0.25,
      openAtReport: { internal: 2, partner: 1 },
    });
    const afterHours = await get(
      '/v1/tenants/acme/reports/after-hours?month=2026-11',
      await tokenFor('internal'),
    );
    expect(afterHours.status).toBe(200);
    expect(afterHours.body).toMatchObject({
      afterHoursTickets: 1,
      byOwner: { partner: 1, internal: 0, triage: 0 },
    });
  });

  it('defaults to the current month in the tenant time zone', async () => {
    const res = await get('/v1/tenants/acme/reports/relief', await tokenFor('leadership'));
    expect(res.body.month).toBe('2026-11');
    expect(res.body.totalTickets).toBe(4);
  });

  it('lets leadership and internal IT read reports, the partner its own side, a requester none', async () => {
    const requester = await issuer.sign({ tenant: 'acme', role: 'requester', email: 'x@acme.example' });
    expect((await get('/v1/tenants/acme/reports/backlog', requester)).status).toBe(403);
    const partner = await get('/v1/tenants/acme/reports/backlog', await tokenFor('partner'));
    expect(partner.status).toBe(200);
    expect(partner.body.byOwner).toEqual({ partner: 1, triage: 0 });
    expect((await get('/v1/tenants/acme/reports/backlog')).status).toBe(401);
    expect(
      (await get('/v1/tenants/acme/reports/backlog', await tokenFor('leadership', 'globex'))).status,
    ).toBe(404);
  });

  it('names query.month for a month that is not YYYY-MM', async () => {
    const res = await get('/v1/tenants/acme/reports/relief?month=2026-13', await tokenFor('leadership'));
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['query.month']);
  });
});
