import type { Role } from '@psa/http/auth';
import { countFacts } from '@psa/model/month-counters';
import type { TicketFact } from '@psa/model/report-facts';
import { createTestIssuer } from '@psa/testing/tokens';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReportingApp } from '../src/app.ts';
import { projectTicket } from '../src/domain/project.ts';
import { targetStatus } from '../src/domain/targets.ts';
import { routedTicket, startReporting } from './support.ts';

/** The dashboard's reads: kept counters, the partner's side, trends against targets, CSV exports. */
const issuer = await createTestIssuer();
let r: Awaited<ReturnType<typeof startReporting>>;
let app: ReturnType<typeof createReportingApp>;

beforeAll(async () => {
  r = await startReporting('2026-11-20T17:00:00.000Z');
  app = createReportingApp({ ...r.deps, authenticate: issuer.authenticate });
  const tickets = [
    routedTicket({ owner: 'partner', afterHours: true, receivedAt: '2026-11-19T03:00:00.000Z' }),
    routedTicket({ owner: 'partner', receivedAt: '2026-11-12T15:00:00.000Z' }),
    routedTicket({ owner: 'internal', workload: 'hardware', receivedAt: '2026-11-13T15:00:00.000Z' }),
    routedTicket({
      owner: 'internal',
      workload: 'hardware',
      afterHours: true,
      receivedAt: '2026-11-14T02:00:00.000Z',
    }),
    routedTicket({ owner: 'partner', receivedAt: '2026-10-14T15:00:00.000Z' }),
  ];
  for (const t of tickets) {
    await r.deps.tickets.create(t, []);
    await projectTicket({ tenantId: 'acme', ticketId: t.id }, r.deps);
  }
  // Two of internal IT answered November's pulse, one of them with a comment.
  for (const [email, score, comment] of [
    ['it-lead@acme.example', 4, 'Finally time for the migration plan'],
    ['ops@acme.example', 3, null],
  ] as const)
    await r.deps.pulse.answer({
      tenantId: 'acme',
      month: '2026-11',
      email,
      score,
      comment,
      answeredAt: '2026-11-20T16:00:00.000Z',
    });
});
afterAll(() => r.stop());

async function get(path: string, role: Role) {
  const res = await app.request(path, {
    headers: {
      authorization: `Bearer ${await issuer.sign({ tenant: 'acme', role, email: 'pat@acme.example' })}`,
    },
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies are read loosely in assertions.
  let body: any = text;
  if (res.headers.get('content-type')?.startsWith('application/json')) body = JSON.parse(text);
  return { status: res.status, body, headers: res.headers };
}

function fact(ticketId: string, over: Partial<TicketFact> = {}): TicketFact {
  return {
    tenantId: 'acme',
    ticketId,
    key: `ACME-${ticketId}`,
    month: '2026-07',
    owner: 'partner',
    workload: 'password-reset',
    priority: 'P3',
    afterHours: false,
    alert: null,
    afterHoursHandoffsToInternal: 0,
    rule: 'workload-owner',
    handleMinutes: 15,
    status: 'new',
    receivedAt: '2026-07-10T15:00:00.000Z',
    firstRespondedAt: null,
    resolvedAt: null,
    sla: { firstResponse: null, resolution: null, nextUpdate: null },
    handoffs: { toInternal: 0, toPartner: 0, acceptance: [] },
    satisfaction: null,
    factVersion: 1,
    ...over,
  };
}

describe('a month’s kept counters', () => {
  it('equal a count of every fact, through new facts, changed facts and older states arriving late', async () => {
    const store = r.deps.reports;
    const kept = () => store.monthCounters('acme', '2026-07');
    const counted = async () => countFacts(await store.listFacts('acme', '2026-07'));
    expect(await kept()).toEqual({});
    const ids = ['0a1', '0a2', 'ff3', '7c4', '7c5'];
    for (const id of ids) await store.putFact(fact(id));
    expect(await kept()).toEqual(await counted());
    expect((await kept()).n).toBe(5);

    // One slice changes; the others are read as kept.
    await store.putFact(
      fact('7c4', {
        owner: 'internal',
        factVersion: 2,
        resolvedAt: '2026-07-11T15:00:00.000Z',
        sla: {
          firstResponse: { met: true, breached: false },
          resolution: { met: false, breached: true },
          nextUpdate: null,
        },
        satisfaction: { rating: 'bad', owner: 'internal' },
      }),
    );
    await store.putFact(fact('7c4', { factVersion: 1 }));
    const after = await kept();
    expect(after).toEqual(await counted());
    expect(after['t|internal']).toBe(1);
    expect(after['so|internal|bad']).toBe(1);
    // A bulk load (history import) is counted too.
    await (store as import('@psa/aws/dynamo-report-store').DynamoReportStore).loadNewFacts([
      fact('b01'),
      fact('b02'),
    ]);
    expect((await kept()).n).toBe(7);
    expect(await kept()).toEqual(await counted());
    // A crash after a fact was stored with its change, before the change was counted: the
    // projection's redelivery counts it, once.
    const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
    const crashed = fact('0a1', { factVersion: 3, afterHours: true });
    await r.table.doc.send(
      new PutCommand({
        TableName: r.table.tableName,
        Item: {
          pk: 'T#acme#M#2026-07',
          sk: 'F#0a1',
          ...crashed,
          pending: { id: '0a1@3@crash', delta: { 'ah|partner': 1, 'ahw|password-reset|partner': 1 } },
        },
      }),
    );
    await store.putFact(crashed);
    await store.putFact(crashed);
    expect(await kept()).toEqual(await counted());
    expect((await kept())['ah|partner']).toBe(1);

    // Writes racing each other and a read: the same tickets' states out of order, new tickets.
    const states = ['7c4', '7c5', 'ff3', 'e01', 'e02'].flatMap((id) =>
      [4, 5, 6].map((v) =>
        fact(id, { factVersion: v, owner: v % 2 ? 'internal' : 'partner', afterHours: v === 5 }),
      ),
    );
    await Promise.all([...states.reverse().map((f) => store.putFact(f)), kept()]);
    expect(await kept()).toEqual(await counted());
    expect((await store.listFacts('acme', '2026-07')).filter((f) => f.factVersion === 6)).toHaveLength(5);
  });
});

describe('the dashboard’s reads over HTTP', () => {
  it('gives the partner its own side of the relief report, never internal IT’s figures', async () => {
    const full = await get('/v1/tenants/acme/reports/relief?month=2026-11', 'leadership');
    const mine = await get('/v1/tenants/acme/reports/relief?month=2026-11', 'partner');
    expect(full.body.ticketsByOwner).toEqual({ partner: 2, internal: 2, triage: 0 });
    expect(full.body.targets).toEqual({ partnerShare: 0.7, afterHoursAbsorbed: 0.9, slaAttainment: 0.95 });
    expect(full.body.status).toMatchObject({ partnerShare: 'red', afterHoursAbsorbed: 'red' });
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ side: 'partner', partnerShare: 0.5, afterHoursPartnerShare: 0.5 });
    expect(mine.body.ticketsByOwner).toEqual({ partner: 2 });
    expect(Object.keys(mine.body.slaAttainment).sort()).toEqual(['partner', 'triage']);
    expect(mine.body).not.toHaveProperty('internalBacklog');
    expect(JSON.stringify(mine.body)).not.toMatch(/"internal"/);
    expect((await get('/v1/tenants/acme/reports/after-hours', 'partner')).status).toBe(403);
    expect((await get('/v1/tenants/acme/reports/relief', 'requester')).status).toBe(403);
    const backlog = await get('/v1/tenants/acme/reports/backlog', 'partner');
    expect(Object.keys(backlog.body.byOwner).sort()).toEqual(['partner', 'triage']);
  });

  it('draws twelve months up to the month asked, each figure against its target', async () => {
    const res = await get('/v1/tenants/acme/reports/trends?month=2026-11', 'leadership');
    expect(res.status).toBe(200);
    expect(res.body.points.map((p: { month: string }) => p.month)).toEqual([
      '2025-12',
      '2026-01',
      '2026-02',
      '2026-03',
      '2026-04',
      '2026-05',
      '2026-06',
      '2026-07',
      '2026-08',
      '2026-09',
      '2026-10',
      '2026-11',
    ]);
    const [oct, nov] = res.body.points.slice(-2);
    expect(oct).toMatchObject({ totalTickets: 1, partnerShare: 1, status: { partnerShare: 'green' } });
    expect(nov).toMatchObject({
      totalTickets: 4,
      partnerShare: 0.5,
      internalHoursFreed: 0.5,
      internalBacklog: 2,
      pulseMean: 3.5,
    });
    expect(oct.pulseMean).toBeNull();
    const partner = await get('/v1/tenants/acme/reports/trends?month=2026-11&months=3', 'partner');
    expect(partner.body.points).toHaveLength(3);
    expect(partner.body.points[2]).not.toHaveProperty('internalBacklog');
    expect(partner.body.points[2]).not.toHaveProperty('pulseMean');
  });

  it('exports the month’s tickets as CSV with a filename, one row per ticket, the partner’s only to the partner', async () => {
    const res = await get('/v1/tenants/acme/reports/exports/tickets?month=2026-11', 'leadership');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="acme-2026-11-tickets.csv"');
    const lines = (res.body as string).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'Key,Received,Owner,Workload,Priority,After hours,Rule,First response at,First response (minutes),Resolved at,Resolution (minutes),First response SLA met,Resolution SLA met,SLA met,Handoffs,Rating',
    );
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(/^ACME-\d+,2026-11-12T15:00:00.000Z,partner,password-reset,P3,no,/);
    const partner = await get('/v1/tenants/acme/reports/exports/tickets?month=2026-11', 'partner');
    expect((partner.body as string).trimEnd().split('\r\n')).toHaveLength(3);
    expect(partner.body).not.toMatch(/internal/);
    const sla = await get('/v1/tenants/acme/reports/exports/owners?month=2026-11', 'internal');
    expect(sla.body).toContain('MSP partner,2,1,0.5,2');
    expect((await get('/v1/tenants/acme/reports/exports/nothing?month=2026-11', 'internal')).status).toBe(
      404,
    );
    expect((await get('/v1/tenants/acme/reports/exports/tickets', 'requester')).status).toBe(403);
  });

  it('shows the same tables the exports carry', async () => {
    const res = await get('/v1/tenants/acme/reports/tables?month=2026-11', 'leadership');
    expect(res.body.tables.map((t: { id: string }) => t.id)).toEqual([
      'owners',
      'sla',
      'handoffs',
      'satisfaction',
      'backlog',
      'alert-quality',
      'interruptions',
      'pulse',
      'pulse-comments',
    ]);
    const [pulse, comments] = res.body.tables.slice(-2);
    expect(pulse.rows).toEqual([[3.5, 2, pulse.rows[0][2], 0, 0, 1, 1, 0]]);
    expect(comments.rows).toEqual([['Finally time for the migration plan']]);
    const csv = await get('/v1/tenants/acme/reports/exports/pulse-comments?month=2026-11', 'leadership');
    expect(csv.body).toBe('Comment\r\nFinally time for the migration plan\r\n');
    const trends = await get('/v1/tenants/acme/reports/exports/trends?month=2026-11', 'leadership');
    expect((trends.body as string).split('\r\n')[0]).toMatch(/,Team pulse mean \(1 to 5\)$/);
    expect((trends.body as string).trimEnd().split('\r\n').at(-1)).toMatch(/,3\.5$/);
    const partner = await get('/v1/tenants/acme/reports/tables?month=2026-11', 'partner');
    expect(partner.body.tables.map((t: { id: string }) => t.id)).toEqual([
      'owners',
      'sla',
      'handoffs',
      'satisfaction',
      'alert-quality',
    ]);
  });
});

describe('a figure against its target', () => {
  it.each([
    [0.7, 0.7, 'green'],
    [0.66, 0.7, 'amber'],
    [0.65, 0.7, 'amber'],
    [0.64, 0.7, 'red'],
    [null, 0.7, 'none'],
  ] as const)('%s against %s is %s', (value, target, status) => {
    expect(targetStatus(value, target)).toBe(status);
  });
});
