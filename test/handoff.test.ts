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

/** Handoffs between the sides, end to end: the ticket changes queue and the other side loses it. */
let dataDir: string;
let system: RunningSystem;
let internal: string;
let partner: string;

const mint = (args: string[]) => mintToken(dataDir, args);

/** Take `count` routed-ticket messages off a queue, read through the documented contract. */
const drain = async (queueUrl: string, count: number) =>
  (await receiveMessages(system, queueUrl, count)).map((m) => RoutedTicketMessageSchema.parse(m.body));

beforeAll(async () => {
  dataDir = await newDataDir();
  system = await startSystem(dataDir, { PSA_CLOCK_START: '2026-11-03T15:00:00Z' });
  internal = await mint(['--tenant', 'acme', '--role', 'internal', '--email', 'it@acme.example']);
  partner = await mint(['--tenant', 'acme', '--role', 'partner', '--email', 'dispatch@msp.example']);
});

afterAll(async () => {
  await system?.stop();
  await removeDataDir(dataDir);
});

describe('handoffs between partner and internal IT', () => {
  it('lets the partner escalate a decision to internal IT, with the reason, on the internal queue', async () => {
    const msp = api(system.endpoints.http, partner);
    const it_ = api(system.endpoints.http, internal);
    const created = await it_.post('/v1/tenants/acme/tickets', {
      subject: 'VPN not connecting',
      body: 'The VPN client times out when I connect from home since this morning',
      requester: { email: 'dave@acme.example' },
    });
    const id = created.body.id;
    await eventually(
      () => it_.get(`/v1/tenants/acme/tickets/${id}`),
      (r) => r.body.owner === 'partner',
    );
    expect(await drain(system.endpoints.queues.partner, 1)).toHaveLength(1);

    expect((await msp.post(`/v1/tenants/acme/tickets/${id}/reassign`, { to: 'internal' })).status).toBe(400);
    const moved = await msp.post(`/v1/tenants/acme/tickets/${id}/reassign`, {
      to: 'internal',
      reason: 'needs a firewall policy exception: an internal decision',
    });
    expect(moved.status).toBe(200);
    expect(moved.body.owner).toBe('internal');
    expect(moved.body.handoffs).toEqual([
      expect.objectContaining({
        from: 'partner',
        to: 'internal',
        reason: 'needs a firewall policy exception: an internal decision',
      }),
    ]);
    const [message] = await drain(system.endpoints.queues.internal, 1);
    expect(message?.ticket.id).toBe(id);
    expect(message?.handoff).toMatchObject({ from: 'partner', reason: expect.stringContaining('firewall') });
    // The partner no longer sees what it handed over, and cannot hand it over twice.
    expect((await msp.get(`/v1/tenants/acme/tickets/${id}`)).status).toBe(404);
    expect(
      (await it_.post(`/v1/tenants/acme/tickets/${id}/reassign`, { to: 'internal', reason: 'again' })).status,
    ).toBe(409);
    // Internal IT delegates it back.
    const back = await it_.post(`/v1/tenants/acme/tickets/${id}/reassign`, {
      to: 'partner',
      reason: 'exception approved; please apply',
    });
    expect(back.body.owner).toBe('partner');
    expect((await drain(system.endpoints.queues.partner, 1))[0]?.handoff?.from).toBe('internal');
    expect((await msp.get(`/v1/tenants/acme/tickets/${id}`)).body.handoffs).toHaveLength(2);
    // Leadership sees the handoff per workload in the month's relief report.
    const boss = await mint(['--tenant', 'acme', '--role', 'leadership', '--email', 'coo@acme.example']);
    const relief = await eventually(
      () => api(system.endpoints.http, boss).get('/v1/tenants/acme/reports/relief?month=2026-11'),
      (r) => r.body.handoffs?.delegationsToPartner === 1,
    );
    expect(relief.body.handoffs).toMatchObject({
      escalationsToInternal: 1,
      delegationsToPartner: 1,
      byWorkload: { connectivity: { toInternal: 1, toPartner: 1 } },
    });
    expect(relief.body.monthOverMonth.previousMonth).toBe('2026-10');
  });

  it('recomputes SLA dues when the priority changes', async () => {
    const it_ = api(system.endpoints.http, internal);
    const created = await it_.post('/v1/tenants/acme/tickets', {
      subject: 'Wifi drops in the warehouse',
      body: 'The wifi keeps dropping on the scanners',
      requester: { email: 'erin@acme.example' },
    });
    const id = created.body.id;
    const firstResponse = (t: { sla: { target: string; targetMinutes: number; dueAt: string | null }[] }) =>
      t.sla.find((c) => c.target === 'firstResponse');
    const before = await eventually(
      () => it_.get(`/v1/tenants/acme/tickets/${id}`),
      (r) => firstResponse(r.body) !== undefined,
    );
    expect([before.body.owner, before.body.priority, firstResponse(before.body)?.targetMinutes]).toEqual([
      'partner',
      'P2',
      30,
    ]);
    expect((await it_.post(`/v1/tenants/acme/tickets/${id}/priority`, { priority: 'P2' })).status).toBe(409);
    const changed = await it_.post(`/v1/tenants/acme/tickets/${id}/priority`, {
      priority: 'P1',
      reason: 'whole warehouse down',
    });
    expect(changed.body.priority).toBe('P1');
    const after = await eventually(
      () => it_.get(`/v1/tenants/acme/tickets/${id}`),
      (r) => firstResponse(r.body)?.targetMinutes === 15,
    );
    const due = (t: typeof after) => Date.parse(firstResponse(t.body)!.dueAt!);
    expect(due(before) - due(after)).toBe(15 * 60_000);
    await drain(system.endpoints.queues.partner, 1);
  });

  it('refuses handoffs by requesters and leadership', async () => {
    const boss = await mint(['--tenant', 'acme', '--role', 'leadership', '--email', 'coo@acme.example']);
    const list = await api(system.endpoints.http, internal).get('/v1/tenants/acme/tickets');
    const id = list.body.items[0].id;
    expect(
      (
        await api(system.endpoints.http, boss).post(`/v1/tenants/acme/tickets/${id}/reassign`, {
          to: 'internal',
          reason: 'x',
        })
      ).status,
    ).toBe(403);
  });

  it('routes overflow to the partner once the internal backlog passes the limit, even for tickets submitted back to back', async () => {
    const it_ = api(system.endpoints.http, internal);
    const ids: string[] = [];
    for (let i = 0; i < 27; i++) {
      const res = await it_.post('/v1/tenants/acme/tickets', {
        subject: `Laptop screen cracked (${i})`,
        body: 'My laptop screen is broken and I need a replacement laptop.',
        requester: { email: `user${i}@acme.example` },
      });
      ids.push(res.body.id);
    }
    const owners = await eventually(
      () => Promise.all(ids.map(async (id) => (await it_.get(`/v1/tenants/acme/tickets/${id}`)).body)),
      (tickets) => tickets.every((t) => t.owner !== null),
    );
    expect(
      owners.slice(0, 26).every((t) => t.owner === 'internal' && t.routing.rule === 'workload-owner'),
    ).toBe(true);
    expect([owners[26].owner, owners[26].routing.rule, owners[26].routing.flags.overflow]).toEqual([
      'partner',
      'overflow',
      true,
    ]);
  });
});
