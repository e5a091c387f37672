import { RoutedTicketMessageSchema } from '@psa/contracts/queue-message';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  eventually,
  mintToken,
  newDataDir,
  type RunningSystem,
  receiveMessages,
  removeDataDir,
  startSystem,
} from './support/system.ts';

/**
 * The whole product end to end through the local runtime, as a user drives it: real HTTP, real
 * emulators, real SQS receives. Two runs on one data folder: a Tuesday morning (internal business
 * hours) and, after a restart, the same Tuesday at 22:00 New York time (after hours).
 */
const TUESDAY_10AM_NY = '2026-11-03T15:00:00Z';
const TUESDAY_10PM_NY = '2026-11-04T03:00:00Z';

let dataDir: string;
let system: RunningSystem;
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};

async function mint(name: string, args: string[]) {
  tokens[name] = await mintToken(dataDir, args);
}

const as = (who: string) => api(system.endpoints.http, tokens[who]);
const ticketOf = (who: string, key: string) => as(who).get(`/v1/tenants/acme/tickets/${ids[key]}`);
const routed = (key: string) =>
  eventually(
    () => ticketOf('internal', key),
    (r) => r.status === 200 && r.body.owner !== null && r.body.sla.length === 2,
  );

async function submit(key: string, who: string, body: Record<string, unknown>, expectedStatus = 201) {
  const res = await as(who).post('/v1/tenants/acme/tickets', body);
  expect(res.status, JSON.stringify(res.body)).toBe(expectedStatus);
  ids[key] = res.body.id;
  return res.body;
}

const receiveAll = (queueUrl: string, count: number) => receiveMessages(system, queueUrl, count);

beforeAll(async () => {
  dataDir = await newDataDir();
  system = await startSystem(dataDir, { PSA_CLOCK_START: TUESDAY_10AM_NY });
  await mint('internal', ['--tenant', 'acme', '--role', 'internal', '--email', 'it-lead@acme.example']);
  await mint('partner', ['--tenant', 'acme', '--role', 'partner', '--email', 'dispatch@msp.example']);
  await mint('leadership', ['--tenant', 'acme', '--role', 'leadership', '--email', 'coo@acme.example']);
  await mint('alice', [
    '--tenant',
    'acme',
    '--role',
    'requester',
    '--email',
    'alice@acme.example',
    '--name',
    'Alice',
  ]);
  await mint('ceo', ['--tenant', 'acme', '--role', 'requester', '--email', 'ceo@acme.example']);
  await mint('globex', ['--tenant', 'globex', '--role', 'internal', '--email', 'it@globex.example']);
});

afterAll(async () => {
  await system?.stop();
  await removeDataDir(dataDir);
});

describe('a Tuesday morning in business hours', () => {
  it('accepts tickets from requesters and staff and routes each by the division of work', async () => {
    const a = await submit('A', 'alice', {
      subject: 'Locked out of my account',
      body: 'I forgot my password and now I am locked out.',
    });
    expect(a).toMatchObject({
      number: expect.any(Number),
      key: expect.stringMatching(/^ACME-\d+$/),
      status: 'new',
      channel: 'web',
    });
    expect(a.requester).toEqual({ email: 'alice@acme.example', name: 'Alice' });
    await submit('B', 'internal', {
      subject: 'Laptop screen cracked',
      body: 'My laptop screen is broken and I need a replacement laptop.',
      requester: { email: 'bob@acme.example', name: 'Bob' },
    });
    await submit('C', 'internal', {
      subject: 'Approve renewal quote',
      body: 'Please approve the budget for the licence renewal quote and invoice.',
      requester: { email: 'carol@acme.example' },
    });
    await submit('D', 'partner', {
      subject: 'VPN not connecting',
      body: 'The VPN will not connect from home since this morning.',
      requester: { email: 'dave@acme.example' },
    });
    await submit('E', 'ceo', {
      subject: 'Wifi very slow in my office',
      body: 'The wifi keeps dropping in the boardroom.',
    });

    const expected = {
      A: { owner: 'partner', workload: 'password-reset', priority: 'P3', rule: 'workload-owner' },
      B: { owner: 'internal', workload: 'hardware', priority: 'P3', rule: 'workload-owner' },
      C: { owner: 'internal', workload: 'purchasing-budget', priority: 'P4', rule: 'guardrail' },
      D: { owner: 'partner', workload: 'connectivity', priority: 'P2', rule: 'workload-owner' },
      E: { owner: 'internal', workload: 'connectivity', priority: 'P1', rule: 'vip' },
    };
    for (const [key, want] of Object.entries(expected)) {
      const t = (await routed(key)).body;
      expect({
        key,
        owner: t.owner,
        workload: t.workload,
        priority: t.priority,
        rule: t.routing.rule,
      }).toEqual({ key, ...want });
      expect(t.afterHours).toBe(false);
      expect(t.routing.divisionOfWorkVersion).toBe(1);
      expect(t.routing.reasons.length).toBeGreaterThan(0);
      expect(t.sla.map((c: { target: string }) => c.target).sort()).toEqual(['firstResponse', 'resolution']);
    }
  });

  it('delivers partner-owned tickets, and only those, to the partner queue as the documented contract', async () => {
    const messages = await receiveAll(system.endpoints.queues.partner, 2);
    const parsed = messages.map((m) => RoutedTicketMessageSchema.parse(m.body));
    expect(parsed.map((m) => m.ticket.id).sort()).toEqual([ids.A, ids.D].sort());
    const d = messages.find((m) => (m.body as { ticket: { id: string } }).ticket.id === ids.D)!;
    expect(d.attributes).toEqual({
      tenant: 'acme',
      owner: 'partner',
      priority: 'P2',
      workload: 'connectivity',
    });
    // The partner's P2 dues on its 24x7 calendar: first response in 30 minutes, resolution in 8 hours.
    const dTicket = (await ticketOf('internal', 'D')).body;
    const dMessage = RoutedTicketMessageSchema.parse(d.body);
    expect(dMessage.sla).toEqual({
      calendar: 'partner',
      responseDue: new Date(Date.parse(dTicket.receivedAt) + 30 * 60_000).toISOString(),
      resolutionDue: new Date(Date.parse(dTicket.receivedAt) + 8 * 3_600_000).toISOString(),
    });
    const internal = await receiveAll(system.endpoints.queues.internal, 3);
    expect(internal.map((m) => RoutedTicketMessageSchema.parse(m.body).ticket.id).sort()).toEqual(
      [ids.B, ids.C, ids.E].sort(),
    );
  });

  it('returns the same ticket for a repeated Idempotency-Key and creates nothing', async () => {
    const body = {
      subject: 'Printer jammed',
      body: 'The printer on floor 2 is jammed',
      requester: { email: 'zoe@acme.example' },
    };
    const first = await as('internal').post('/v1/tenants/acme/tickets', body, {
      'idempotency-key': 'form-42',
    });
    const again = await as('internal').post('/v1/tenants/acme/tickets', body, {
      'idempotency-key': 'form-42',
    });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const clash = await as('internal').post(
      '/v1/tenants/acme/tickets',
      { ...body, subject: 'Other' },
      { 'idempotency-key': 'form-42' },
    );
    expect(clash.status).toBe(409);
    ids.P = first.body.id;
    await routed('P');
    const list = await as('internal').get('/v1/tenants/acme/tickets?limit=100');
    expect(list.body.items.filter((t: { subject: string }) => t.subject === 'Printer jammed')).toHaveLength(
      1,
    );
    // Take it out of the month's numbers below: internal closes it as a duplicate request.
    expect(
      (
        await as('internal').post(`/v1/tenants/acme/tickets/${ids.P}/status`, {
          status: 'closed',
          note: 'duplicate',
        })
      ).status,
    ).toBe(200);
    await receiveAll(system.endpoints.queues.internal, 1);
  });

  it('lets each side work its own tickets through the lifecycle', async () => {
    expect(
      (await as('partner').post(`/v1/tenants/acme/tickets/${ids.A}/status`, { status: 'acknowledged' }))
        .status,
    ).toBe(200);
    const resolved = await as('partner').post(`/v1/tenants/acme/tickets/${ids.A}/status`, {
      status: 'resolved',
      note: 'reset done',
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body.status).toBe('resolved');
    expect(resolved.body.history.map((h: { to: string }) => h.to)).toEqual(['acknowledged', 'resolved']);
    expect(
      (await as('internal').post(`/v1/tenants/acme/tickets/${ids.B}/status`, { status: 'in_progress' }))
        .status,
    ).toBe(200);
    expect(
      (await as('internal').post(`/v1/tenants/acme/tickets/${ids.B}/status`, { status: 'resolved' })).status,
    ).toBe(200);
    const bad = await as('internal').post(`/v1/tenants/acme/tickets/${ids.B}/status`, {
      status: 'in_progress',
    });
    expect(bad.status).toBe(409);
    const invalid = await as('internal').post(`/v1/tenants/acme/tickets/${ids.B}/status`, { status: 'done' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.issues[0].path).toBe('body.status');
    const a = await eventually(
      () => ticketOf('internal', 'A'),
      (r) => r.body.sla.every((c: { completedAt: string | null }) => c.completedAt !== null),
    );
    expect(a.body.sla.map((c: { met: boolean }) => c.met)).toEqual([true, true]);
  });

  it('enforces roles and tenants on every route', async () => {
    const anon = api(system.endpoints.http);
    expect((await anon.get('/v1/tenants/acme/tickets')).status).toBe(401);
    expect((await api(system.endpoints.http, 'not-a-jwt').get('/v1/tenants/acme/tickets')).status).toBe(401);
    expect((await ticketOf('globex', 'A')).status).toBe(404);
    expect((await as('globex').get('/v1/tenants/acme/reports/backlog')).status).toBe(404);
    // A requester sees only what they raised.
    expect((await ticketOf('alice', 'A')).status).toBe(200);
    expect((await ticketOf('alice', 'B')).status).toBe(404);
    const mine = await as('alice').get('/v1/tenants/acme/tickets');
    expect(mine.body.items.map((t: { id: string }) => t.id)).toEqual([ids.A]);
    expect(
      (await as('alice').post(`/v1/tenants/acme/tickets/${ids.A}/status`, { status: 'closed' })).status,
    ).toBe(403);
    expect(
      (
        await as('alice').post('/v1/tenants/acme/tickets', {
          subject: 'x',
          body: 'y',
          requester: { email: 'bob@acme.example' },
        })
      ).status,
    ).toBe(403);
    // The partner sees and works partner-owned and triage tickets only.
    expect((await ticketOf('partner', 'D')).status).toBe(200);
    expect((await ticketOf('partner', 'B')).status).toBe(404);
    expect(
      (await as('partner').post(`/v1/tenants/acme/tickets/${ids.C}/status`, { status: 'acknowledged' }))
        .status,
    ).toBe(404);
    const partnerList = await as('partner').get('/v1/tenants/acme/tickets');
    expect(partnerList.body.items.map((t: { id: string }) => t.id).sort()).toEqual([ids.A, ids.D].sort());
    expect((await as('partner').get('/v1/tenants/acme/tickets?owner=internal')).body.items).toEqual([]);
    // Reports: the partner reads its own side only; the after-hours report not at all.
    const partnerRelief = await as('partner').get('/v1/tenants/acme/reports/relief');
    expect(partnerRelief.status).toBe(200);
    expect(partnerRelief.body.side).toBe('partner');
    expect(partnerRelief.body.ticketsByOwner).not.toHaveProperty('internal');
    expect((await as('partner').get('/v1/tenants/acme/reports/after-hours')).status).toBe(403);
    // Leadership reads reports, not tickets.
    expect((await ticketOf('leadership', 'A')).status).toBe(403);
    expect((await as('leadership').get('/v1/tenants/acme/reports/backlog')).status).toBe(200);
    expect((await as('alice').get('/v1/tenants/acme/reports/backlog')).status).toBe(403);
  });

  it('pages through tickets newest first', async () => {
    const first = await as('internal').get('/v1/tenants/acme/tickets?limit=2');
    expect(first.body.items).toHaveLength(2);
    const second = await as('internal').get(
      `/v1/tenants/acme/tickets?limit=10&cursor=${first.body.nextCursor}`,
    );
    const all = [...first.body.items, ...second.body.items].map((t: { receivedAt: string }) => t.receivedAt);
    expect(all).toHaveLength(6);
    expect([...all].sort().reverse()).toEqual(all);
    const open = await as('internal').get('/v1/tenants/acme/tickets?status=resolved');
    expect(open.body.items.map((t: { id: string }) => t.id).sort()).toEqual([ids.A, ids.B].sort());
  });
});

describe('after a restart, the same Tuesday at 22:00 New York time', () => {
  beforeAll(async () => {
    expect(await system.stop()).toBe(0);
    system = await startSystem(dataDir, { PSA_CLOCK_START: TUESDAY_10PM_NY });
  });

  it('still has every ticket', async () => {
    expect((await ticketOf('internal', 'A')).body.status).toBe('resolved');
    expect((await as('internal').get('/v1/tenants/acme/tickets?limit=100')).body.items).toHaveLength(6);
  });

  it('sends urgent internal work to after-hours coverage and lets routine work wait', async () => {
    await submit('F', 'internal', {
      subject: 'Printer broken before the board meeting',
      body: 'The printer is broken and we need it fixed tonight.',
      priority: 'P1',
      requester: { email: 'erin@acme.example' },
    });
    await submit('G', 'internal', {
      subject: 'Need a new docking station',
      body: 'My dock stopped working; a new docking station please.',
      requester: { email: 'frank@acme.example' },
    });
    await submit('H', 'alice', {
      subject: 'Antivirus alert on my PC',
      body: 'A malware alert popped up from the antivirus.',
    });
    const f = (await routed('F')).body;
    expect([f.owner, f.workload, f.priority, f.routing.rule, f.afterHours]).toEqual([
      'partner',
      'hardware',
      'P1',
      'after-hours',
      true,
    ]);
    const g = (await routed('G')).body;
    expect([g.owner, g.workload, g.priority, g.afterHours]).toEqual(['internal', 'hardware', 'P3', true]);
    const h = (await routed('H')).body;
    expect([h.owner, h.workload, h.afterHours]).toEqual(['partner', 'endpoint-security', true]);
    const partnerQueue = await receiveAll(system.endpoints.queues.partner, 2);
    expect(partnerQueue.map((m) => RoutedTicketMessageSchema.parse(m.body).ticket.id).sort()).toEqual(
      [ids.F, ids.H].sort(),
    );
    expect(
      (await as('partner').post(`/v1/tenants/acme/tickets/${ids.F}/status`, { status: 'acknowledged' }))
        .status,
    ).toBe(200);
  });

  it('reports the backlog from open tickets', async () => {
    const r = await eventually(
      () => as('leadership').get('/v1/tenants/acme/reports/backlog'),
      (res) => res.body.total === 6,
    );
    expect(r.body.byOwner).toEqual({ partner: 3, internal: 3, triage: 0 });
    expect(r.body.byPriority.partner).toEqual({ P1: 1, P2: 1, P3: 1, P4: 0 });
    expect(r.body.byPriority.internal).toEqual({ P1: 1, P2: 0, P3: 1, P4: 1 });
    expect(r.body.byAge.internal).toEqual({ under4h: 1, '4to24h': 2, '1to3d': 0, '3to7d': 0, over7d: 0 });
    expect(r.body.oldestOpen.partner.id).toBe(ids.D);
    expect(r.body.oldestOpen.internal.id).toBe(ids.C);
  });

  it('reports the month’s after-hours tickets by owner and workload', async () => {
    const r = await eventually(
      () => as('leadership').get('/v1/tenants/acme/reports/after-hours?month=2026-11'),
      (res) => res.body.afterHoursTickets === 3,
    );
    expect(r.body).toMatchObject({
      month: '2026-11',
      timeZone: 'America/New_York',
      totalTickets: 9,
      afterHoursTickets: 3,
    });
    expect(r.body.byOwner).toEqual({ partner: 2, internal: 1, triage: 0 });
    expect(r.body.byWorkload).toEqual({
      hardware: { partner: 1, internal: 1, triage: 0 },
      'endpoint-security': { partner: 1, internal: 0, triage: 0 },
    });
  });

  it('reports the month’s relief: load, after-hours work, hours freed and SLA attainment', async () => {
    const r = await eventually(
      () => as('leadership').get('/v1/tenants/acme/reports/relief?month=2026-11'),
      (res) =>
        res.body.slaAttainment?.partner.firstResponse.measured === 3 &&
        res.body.slaAttainment.internal.resolution.measured === 3,
    );
    expect(r.body.ticketsByOwner).toEqual({ partner: 4, internal: 5, triage: 0 });
    expect(r.body.partnerShare).toBe(0.444);
    expect(r.body.afterHoursByOwner).toEqual({ partner: 2, internal: 1, triage: 0 });
    // Partner-handled work in handle minutes: 15 (password) + 30 (VPN) + 45 (printer) + 30 (antivirus).
    expect(r.body.internalHoursFreed).toBe(2);
    // A met; D missed while the system slept; F acknowledged at once. H is still running.
    expect(r.body.slaAttainment.partner.firstResponse).toEqual({
      measured: 3,
      met: 2,
      breached: 1,
      attainment: 0.667,
    });
    // B and the duplicate P met; the CEO's P1 breached overnight.
    expect(r.body.slaAttainment.internal.resolution).toEqual({
      measured: 3,
      met: 2,
      breached: 1,
      attainment: 0.667,
    });
  });

  it('stops cleanly on Ctrl-C', async () => {
    expect(await system.stop()).toBe(0);
    system = await startSystem(dataDir, { PSA_CLOCK_START: TUESDAY_10PM_NY });
    expect((await ticketOf('internal', 'H')).body.owner).toBe('partner');
  });
});
