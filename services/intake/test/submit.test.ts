import { createHash } from 'node:crypto';
import { DynamoIdempotencyStore } from '@psa/aws/dynamo-idempotency-store';
import { reconcileOutbox } from '@psa/model/outbox';
import type { TicketStore } from '@psa/model/ports';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Intake, startIntake, token } from './support.ts';

const TICKETS = '/v1/tenants/acme/tickets';
const FAR_FUTURE = new Date('2100-01-01T00:00:00Z');

let intake: Intake;
beforeEach(async () => {
  intake = await startIntake();
});
afterEach(() => intake.stop());

const asRequester = () => token({ role: 'requester', email: 'pat@acme.example', name: 'Pat' });
const asInternal = () => token({ role: 'internal', email: 'lead@acme.example', sub: 'lead' });

const reconcile = () => reconcileOutbox({ ...intake.deps, now: () => intake.clock.now() });

describe('accepting a ticket while the bus is down', () => {
  it('stores and returns the ticket, keeps TicketReceived in the outbox, and the reconciler delivers it exactly once', async () => {
    intake.bus.down = true;
    const res = await intake.call('POST', TICKETS, {
      token: await asRequester(),
      body: { subject: 'Printer jammed', body: 'The 2nd floor printer has a paper jam.' },
    });

    expect(res.status).toBe(201);
    const id: string = res.body.id;
    expect(res.body).toMatchObject({
      subject: 'Printer jammed',
      status: 'new',
      requester: { email: 'pat@acme.example' },
    });
    expect(res.body.number).toBeGreaterThan(0);
    expect(await intake.deps.tickets.get('acme', id)).toMatchObject({ id, status: 'new' });

    expect(intake.bus.published).toEqual([]);
    const pending = await intake.deps.outbox.listPending(FAR_FUTURE, 100);
    expect(pending.flatMap((p) => p.entries.map((e) => e.id))).toEqual([`${id}:received`]);

    intake.bus.down = false;
    intake.clock.advance(60_000);
    expect(await reconcile()).toEqual({ records: 1, failures: 0 });
    expect(await reconcile()).toEqual({ records: 0, failures: 0 });

    const received = intake.bus.ofType('TicketReceived');
    expect(received).toHaveLength(1);
    expect(received[0]?.detail).toMatchObject({ tenantId: 'acme', ticketId: id, number: res.body.number });
    expect(await intake.deps.outbox.listPending(FAR_FUTURE, 100)).toEqual([]);
  });

  it('leaves the entry for the next run when the bus is still down at reconcile time', async () => {
    intake.bus.down = true;
    const res = await intake.call('POST', TICKETS, {
      token: await asRequester(),
      body: { subject: 'VPN down', body: 'Cannot connect to the VPN.' },
    });
    intake.clock.advance(60_000);

    expect(await reconcile()).toEqual({ records: 1, failures: 1 });
    intake.bus.down = false;
    expect(await reconcile()).toEqual({ records: 1, failures: 0 });
    expect(intake.bus.ofType('TicketReceived').map((e) => e.detail.ticketId)).toEqual([res.body.id]);
  });

  it('publishes TicketReceived at once and leaves its entry for the routing write to take out', async () => {
    const res = await intake.call('POST', TICKETS, {
      token: await asRequester(),
      body: { subject: 'Locked out', body: 'Locked out of my account.' },
    });
    expect(res.status).toBe(201);
    expect(intake.bus.ofType('TicketReceived').map((e) => e.detail.ticketId)).toEqual([res.body.id]);
    // No write of its own clears it: the router's write of the ticket does (router tests). Were
    // that write never to come, the reconciler delivers it again, once, and clears it.
    const pending = await intake.deps.outbox.listPending(FAR_FUTURE, 100);
    expect(pending.flatMap((p) => p.entries.map((e) => e.id))).toEqual([`${res.body.id}:received`]);
    intake.clock.advance(60_000);
    expect(await reconcile()).toEqual({ records: 1, failures: 0 });
    expect(await intake.deps.outbox.listPending(FAR_FUTURE, 100)).toEqual([]);
  });
});

describe('Idempotency-Key', () => {
  const body = {
    subject: 'Need a second monitor',
    body: 'Could I get a second monitor for my desk?',
    requester: { email: 'sam@acme.example', name: 'Sam' },
  };

  it('answers a repeat with the ticket the first request created, and creates nothing', async () => {
    const auth = await asInternal();
    const first = await intake.call('POST', TICKETS, {
      token: auth,
      body,
      headers: { 'idempotency-key': 'k-1' },
    });
    const again = await intake.call('POST', TICKETS, {
      token: auth,
      body,
      headers: { 'idempotency-key': 'k-1' },
    });

    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.number).toBe(first.body.number);
    expect(await intake.allTickets()).toHaveLength(1);
    expect(intake.bus.ofType('TicketReceived')).toHaveLength(1);
  });

  it('refuses the same key with a different body with 409 and creates nothing', async () => {
    const auth = await asInternal();
    await intake.call('POST', TICKETS, { token: auth, body, headers: { 'idempotency-key': 'k-2' } });
    const changed = await intake.call('POST', TICKETS, {
      token: auth,
      body: { ...body, subject: 'Need two monitors' },
      headers: { 'idempotency-key': 'k-2' },
    });

    expect(changed.status).toBe(409);
    expect(changed.body.error.code).toBe('conflict');
    expect(await intake.allTickets()).toHaveLength(1);
  });

  it('keeps keys apart per caller: another caller using the same key gets its own ticket', async () => {
    const one = await intake.call('POST', TICKETS, {
      token: await asInternal(),
      body,
      headers: { 'idempotency-key': 'shared' },
    });
    const other = await intake.call('POST', TICKETS, {
      token: await token({ role: 'internal', sub: 'someone-else' }),
      body,
      headers: { 'idempotency-key': 'shared' },
    });
    expect(other.status).toBe(201);
    expect(other.body.id).not.toBe(one.body.id);
    expect(await intake.allTickets()).toHaveLength(2);
  });

  it('finishes a submit that crashed after claiming its key, under the claimed ticket id', async () => {
    // The first attempt claimed the key (as intake does: caller sub + key, fingerprint of
    // requester and body) and died before storing its ticket.
    const requester = body.requester;
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([requester, body]))
      .digest('hex');
    const idempotency = new DynamoIdempotencyStore(intake.table.doc, intake.table.tableName);
    expect(await idempotency.claim('acme', 'lead#k-crash', 'claimed-ticket-id', fingerprint)).toEqual({
      claimed: true,
    });

    const retry = await intake.call('POST', TICKETS, {
      token: await asInternal(),
      body,
      headers: { 'idempotency-key': 'k-crash' },
    });

    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe('claimed-ticket-id');
    expect((await intake.allTickets()).map((t) => t.id)).toEqual(['claimed-ticket-id']);
    expect(intake.bus.ofType('TicketReceived').map((e) => e.detail.ticketId)).toEqual(['claimed-ticket-id']);
  });

  it("finishes a submit whose store write failed after the claim, on the client's retry", async () => {
    const realStore = intake.deps.tickets;
    const failing: TicketStore = Object.create(realStore);
    failing.create = async () => {
      throw new Error('process died before the ticket was stored');
    };
    intake.deps.tickets = failing;
    intake.deps.newId = () => 'first-attempt-id';
    const auth = await asInternal();
    const crashed = await intake.call('POST', TICKETS, {
      token: auth,
      body,
      headers: { 'idempotency-key': 'k-3' },
    });
    expect(crashed.status).toBe(500);
    expect(await intake.allTickets()).toEqual([]);

    intake.deps.tickets = realStore;
    intake.deps.newId = () => 'second-attempt-id';
    const retry = await intake.call('POST', TICKETS, {
      token: auth,
      body,
      headers: { 'idempotency-key': 'k-3' },
    });

    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe('first-attempt-id');
    expect((await intake.allTickets()).map((t) => t.id)).toEqual(['first-attempt-id']);
  });
});

describe('who the ticket is for', () => {
  it('answers 400 naming body.requester when staff submit without a requester, and stores nothing', async () => {
    for (const role of ['internal', 'partner'] as const) {
      const res = await intake.call('POST', TICKETS, {
        token: await token({ role }),
        body: { subject: 'Broken laptop', body: 'Screen cracked.' },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_error');
      expect(res.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['body.requester']);
    }
    expect(await intake.allTickets()).toEqual([]);
  });

  it("takes a requester's identity from their token, and refuses one submitting as someone else", async () => {
    const auth = await asRequester();
    const own = await intake.call('POST', TICKETS, {
      token: auth,
      body: { subject: 'Wifi slow', body: 'Slow.' },
    });
    expect(own.status).toBe(201);
    expect(own.body.requester).toEqual({ email: 'pat@acme.example', name: 'Pat' });

    const other = await intake.call('POST', TICKETS, {
      token: auth,
      body: { subject: 'Wifi slow', body: 'Slow.', requester: { email: 'boss@acme.example' } },
    });
    expect(other.status).toBe(403);
    expect(await intake.allTickets()).toHaveLength(1);
  });
});
