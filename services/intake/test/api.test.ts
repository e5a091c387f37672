import { StaleWriteError } from '@psa/model/errors';
import type { TicketStore } from '@psa/model/ports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foreignToken, type Intake, startIntake, token, wrongIssuerToken } from './support.ts';

/**
 * The intake HTTP API in process: the Hono app with a JWKS authenticator, on a fresh table.
 * One table for the file; each test makes the tickets it reads.
 */
let intake: Intake;
beforeAll(async () => {
  intake = await startIntake();
});
afterAll(() => intake.stop());

const TICKETS = '/v1/tenants/acme/tickets';
const issuesOf = (body: { error: { issues?: { path: string }[] } }) =>
  (body.error.issues ?? []).map((i) => i.path);

const tokens = {
  internal: () => token({ role: 'internal', email: 'it@acme.example', sub: 'it' }),
  partner: () => token({ role: 'partner', email: 'dispatch@msp.example', sub: 'msp' }),
  leadership: () => token({ role: 'leadership', email: 'cio@acme.example', sub: 'cio' }),
  pat: () => token({ role: 'requester', email: 'pat@acme.example' }),
  sam: () => token({ role: 'requester', email: 'sam@acme.example' }),
};

async function submitAs(who: string, subject = 'Something is broken') {
  const res = await intake.call('POST', TICKETS, {
    token: await token({ role: 'requester', email: who }),
    body: { subject, body: 'Please help.' },
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

describe('authentication', () => {
  it('answers 401 without a bearer token', async () => {
    const res = await intake.call('GET', TICKETS);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('answers 401 for a token signed with another key, a garbled token, or the wrong issuer', async () => {
    const wrongIssuer = await wrongIssuerToken();
    for (const bad of [await foreignToken(), 'not.a.jwt', wrongIssuer]) {
      const res = await intake.call('GET', TICKETS, { token: bad });
      expect(res.status, bad).toBe(401);
    }
    const control = await intake.call('GET', TICKETS, { token: await tokens.internal() });
    expect(control.status).toBe(200);
  });

  it('answers 401 for a requester token without an email claim', async () => {
    const res = await intake.call('GET', TICKETS, { token: await token({ role: 'requester' }) });
    expect(res.status).toBe(401);
  });
});

describe('bad input names the field', () => {
  const post = async (body: unknown) => intake.call('POST', TICKETS, { token: await tokens.pat(), body });

  it('names body.subject when the subject is missing', async () => {
    const res = await post({ body: 'no subject' });
    expect(res.status).toBe(400);
    expect(issuesOf(res.body)).toEqual(['body.subject']);
  });

  it('names body.priority for a priority that does not exist', async () => {
    const res = await post({ subject: 'x', body: 'y', priority: 'P9' });
    expect(res.status).toBe(400);
    expect(issuesOf(res.body)).toEqual(['body.priority']);
  });

  it('names an unknown extra field', async () => {
    const res = await post({ subject: 'x', body: 'y', urgency: 'very' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(JSON.stringify(res.body.error.issues)).toContain('urgency');
  });

  it('names query.limit for a limit out of range or not a number', async () => {
    for (const limit of ['0', '101', 'ten']) {
      const res = await intake.call('GET', `${TICKETS}?limit=${limit}`, { token: await tokens.internal() });
      expect(res.status, limit).toBe(400);
      expect(issuesOf(res.body), limit).toEqual(['query.limit']);
    }
  });

  it('names query.status for an unknown status filter', async () => {
    const res = await intake.call('GET', `${TICKETS}?status=done`, { token: await tokens.internal() });
    expect(res.status).toBe(400);
    expect(issuesOf(res.body)).toEqual(['query.status']);
  });

  it('names body.status for a status a caller may not set', async () => {
    const id = await submitAs('pat@acme.example');
    const res = await intake.call('POST', `${TICKETS}/${id}/status`, {
      token: await tokens.internal(),
      body: { status: 'new' },
    });
    expect(res.status).toBe(400);
    expect(issuesOf(res.body)).toEqual(['body.status']);
  });
});

describe('tenants are walled off', () => {
  it("answers 404 to a token of another tenant, on that tenant's paths and on its own", async () => {
    const id = await submitAs('pat@acme.example');
    const globex = await token({ tenant: 'globex', role: 'internal' });

    const onAcme = await intake.call('GET', `${TICKETS}/${id}`, { token: globex });
    expect(onAcme.status).toBe(404);
    const listAcme = await intake.call('GET', TICKETS, { token: globex });
    expect(listAcme.status).toBe(404);
    const submitToAcme = await intake.call('POST', TICKETS, {
      token: globex,
      body: { subject: 'x', body: 'y', requester: { email: 'a@globex.example' } },
    });
    expect(submitToAcme.status).toBe(404);
    const onOwnTenant = await intake.call('GET', `/v1/tenants/globex/tickets/${id}`, { token: globex });
    expect(onOwnTenant.status).toBe(404);

    const control = await intake.call('GET', `${TICKETS}/${id}`, { token: await tokens.internal() });
    expect(control.status).toBe(200);
  });
});

describe('who sees which ticket', () => {
  it("lets a requester read their own ticket and answers 404 for someone else's", async () => {
    const pats = await submitAs('pat@acme.example', 'Pat needs help');
    const sams = await submitAs('sam@acme.example', 'Sam needs help');

    const own = await intake.call('GET', `${TICKETS}/${pats}`, { token: await tokens.pat() });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ id: pats, subject: 'Pat needs help' });
    expect(own.body).not.toHaveProperty('version');

    const others = await intake.call('GET', `${TICKETS}/${sams}`, { token: await tokens.pat() });
    expect(others.status).toBe(404);

    const list = await intake.call('GET', `${TICKETS}?limit=100`, { token: await tokens.pat() });
    expect(list.status).toBe(200);
    const ids = list.body.items.map((t: { id: string }) => t.id);
    expect(ids).toContain(pats);
    expect(ids).not.toContain(sams);
    expect(
      list.body.items.every(
        (t: { requester: { email: string } }) => t.requester.email === 'pat@acme.example',
      ),
    ).toBe(true);
  });

  it('lets the partner read partner- and triage-owned tickets and answers 404 for internal-owned ones', async () => {
    const partnerOwned = await submitAs('a@acme.example');
    const triageOwned = await submitAs('b@acme.example');
    const internalOwned = await submitAs('c@acme.example');
    await intake.assignOwner('acme', partnerOwned, 'partner');
    await intake.assignOwner('acme', triageOwned, 'triage');
    await intake.assignOwner('acme', internalOwned, 'internal');
    const partner = await tokens.partner();

    expect((await intake.call('GET', `${TICKETS}/${partnerOwned}`, { token: partner })).status).toBe(200);
    expect((await intake.call('GET', `${TICKETS}/${triageOwned}`, { token: partner })).status).toBe(200);
    const hidden = await intake.call('GET', `${TICKETS}/${internalOwned}`, { token: partner });
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.message).toBe('ticket not found');

    const list = await intake.call('GET', `${TICKETS}?limit=100`, { token: partner });
    const ids = list.body.items.map((t: { id: string }) => t.id);
    expect(ids).toEqual(expect.arrayContaining([partnerOwned, triageOwned]));
    expect(ids).not.toContain(internalOwned);
    expect(
      list.body.items.every((t: { owner: string }) => t.owner === 'partner' || t.owner === 'triage'),
    ).toBe(true);

    const askedForInternal = await intake.call('GET', `${TICKETS}?owner=internal`, { token: partner });
    expect(askedForInternal.status).toBe(200);
    expect(askedForInternal.body).toEqual({ items: [], nextCursor: null });

    const update = await intake.call('POST', `${TICKETS}/${internalOwned}/status`, {
      token: partner,
      body: { status: 'acknowledged' },
    });
    expect(update.status).toBe(404);
  });

  it('lets internal IT read every ticket of its tenant, whoever owns it', async () => {
    const partnerOwned = await submitAs('d@acme.example');
    const internalOwned = await submitAs('e@acme.example');
    const unrouted = await submitAs('f@acme.example');
    await intake.assignOwner('acme', partnerOwned, 'partner');
    await intake.assignOwner('acme', internalOwned, 'internal');
    const internal = await tokens.internal();
    for (const id of [partnerOwned, internalOwned, unrouted]) {
      expect((await intake.call('GET', `${TICKETS}/${id}`, { token: internal })).status).toBe(200);
    }
    const list = await intake.call('GET', `${TICKETS}?owner=internal&limit=100`, { token: internal });
    const ids = list.body.items.map((t: { id: string }) => t.id);
    expect(ids).toContain(internalOwned);
    expect(ids).not.toContain(partnerOwned);
  });

  it('answers 403 to leadership on tickets: it reads reports, not tickets', async () => {
    const id = await submitAs('g@acme.example');
    const leadership = await tokens.leadership();
    expect((await intake.call('GET', `${TICKETS}/${id}`, { token: leadership })).status).toBe(403);
    expect((await intake.call('GET', TICKETS, { token: leadership })).status).toBe(403);
    const submit = await intake.call('POST', TICKETS, {
      token: leadership,
      body: { subject: 'x', body: 'y', requester: { email: 'a@acme.example' } },
    });
    expect(submit.status).toBe(403);
    const status = await intake.call('POST', `${TICKETS}/${id}/status`, {
      token: leadership,
      body: { status: 'acknowledged' },
    });
    expect(status.status).toBe(403);
    expect((await intake.deps.tickets.get('acme', id))?.status).toBe('new');
  });

  it('answers 403 to a requester changing the status of their own ticket', async () => {
    const id = await submitAs('pat@acme.example');
    const res = await intake.call('POST', `${TICKETS}/${id}/status`, {
      token: await tokens.pat(),
      body: { status: 'resolved' },
    });
    expect(res.status).toBe(403);
    expect((await intake.deps.tickets.get('acme', id))?.status).toBe('new');
  });
});

describe('listing', () => {
  it('lists newest first and pages with a cursor, each ticket once', async () => {
    const tenant = 'globex';
    const auth = await token({ tenant, role: 'internal', sub: 'g-it' });
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      intake.clock.advance(60_000);
      const res = await intake.call('POST', `/v1/tenants/${tenant}/tickets`, {
        token: auth,
        body: { subject: `ticket ${i}`, body: 'b', requester: { email: 'x@globex.example' } },
      });
      made.push(res.body.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const page = await intake.call('GET', `/v1/tenants/${tenant}/tickets?limit=2${q}`, { token: auth });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((t: { id: string }) => t.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...made].reverse());
  });
});

describe('status lifecycle', () => {
  it('moves a ticket through legal transitions and records each in history', async () => {
    const id = await submitAs('h@acme.example');
    const internal = await tokens.internal();
    const move = (status: string, note?: string) =>
      intake.call('POST', `${TICKETS}/${id}/status`, {
        token: internal,
        body: { status, ...(note ? { note } : {}) },
      });

    intake.clock.set('2026-06-16T14:05:00.000Z');
    const ack = await move('acknowledged');
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ status: 'acknowledged', firstRespondedAt: '2026-06-16T14:05:00.000Z' });

    intake.clock.set('2026-06-16T15:00:00.000Z');
    const resolved = await move('resolved', 'replaced the toner');
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', resolvedAt: '2026-06-16T15:00:00.000Z' });

    const illegal = await move('acknowledged');
    expect(illegal.status).toBe(409);
    expect(illegal.body.error.message).toContain("from 'resolved' to 'acknowledged'");

    const reopened = await move('reopened');
    expect(reopened.status).toBe(200);
    expect(reopened.body.resolvedAt).toBeNull();

    const read = await intake.call('GET', `${TICKETS}/${id}`, { token: internal });
    expect(read.body.status).toBe('reopened');
    expect(read.body.history).toEqual([
      {
        from: 'new',
        to: 'acknowledged',
        at: '2026-06-16T14:05:00.000Z',
        by: { role: 'internal', email: 'it@acme.example' },
      },
      {
        from: 'acknowledged',
        to: 'resolved',
        at: '2026-06-16T15:00:00.000Z',
        by: { role: 'internal', email: 'it@acme.example' },
        note: 'replaced the toner',
      },
      {
        from: 'resolved',
        to: 'reopened',
        at: '2026-06-16T15:00:00.000Z',
        by: { role: 'internal', email: 'it@acme.example' },
      },
    ]);
    expect(intake.bus.ofType('TicketStatusChanged').filter((e) => e.detail.ticketId === id)).toHaveLength(3);
  });

  it('answers 404 for a status change on a ticket that does not exist', async () => {
    const res = await intake.call('POST', `${TICKETS}/no-such-ticket/status`, {
      token: await tokens.internal(),
      body: { status: 'acknowledged' },
    });
    expect(res.status).toBe(404);
  });

  it('keeps both of two concurrent status changes: the loser re-reads and applies on top', async () => {
    const id = await submitAs('i@acme.example');
    // Both callers read version 1 before either writes, so one write must lose the race.
    const real = intake.deps.tickets;
    const stale: unknown[] = [];
    let reads = 0;
    let release!: () => void;
    const bothRead = new Promise<void>((resolve) => {
      release = resolve;
    });
    const racing: TicketStore = Object.create(real);
    racing.get = async (tenantId, ticketId) => {
      const got = await real.get(tenantId, ticketId);
      reads++;
      if (reads === 2) release();
      if (reads <= 2) await bothRead;
      return got;
    };
    racing.update = async (ticket, outbox) => {
      try {
        return await real.update(ticket, outbox);
      } catch (err) {
        if (err instanceof StaleWriteError) stale.push(err);
        throw err;
      }
    };
    intake.deps.tickets = racing;
    try {
      const [a, b] = await Promise.all([
        intake.call('POST', `${TICKETS}/${id}/status`, {
          token: await tokens.internal(),
          body: { status: 'acknowledged', note: 'from internal' },
        }),
        intake.call('POST', `${TICKETS}/${id}/status`, {
          token: await token({ role: 'internal', email: 'other@acme.example', sub: 'other' }),
          body: { status: 'in_progress', note: 'from a colleague' },
        }),
      ]);
      expect([a.status, b.status]).toEqual([200, 200]);
    } finally {
      intake.deps.tickets = real;
    }

    expect(stale).toHaveLength(1);
    const stored = await real.get('acme', id);
    expect(stored?.version).toBe(3);
    expect(stored?.history.map((h) => h.note).sort()).toEqual(['from a colleague', 'from internal']);
    const [first, second] = stored!.history;
    expect(first?.from).toBe('new');
    expect(second?.from).toBe(first?.to);
    expect(stored?.status).toBe(second?.to);
  });
});

describe('the API document and unknown routes', () => {
  it('serves an OpenAPI 3.1 document listing every tenant path with the bearer scheme', async () => {
    const res = await intake.call('GET', '/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    const paths = Object.keys(doc.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/v1/tenants/{tenantId}/tickets',
        '/v1/tenants/{tenantId}/tickets/{id}',
        '/v1/tenants/{tenantId}/tickets/{id}/status',
        '/v1/tenants/{tenantId}/reports/backlog',
        '/v1/tenants/{tenantId}/reports/after-hours',
        '/v1/tenants/{tenantId}/reports/relief',
      ]),
    );
    // Every path is tenant-scoped but the rating and pulse links', which a single-use token authorises.
    const publicPaths = paths.filter((p) => p.startsWith('/public/'));
    expect(publicPaths).toEqual([
      '/public/ratings/{token}',
      '/public/ratings/{token}/comment',
      '/public/pulse/{token}',
    ]);
    for (const path of paths.filter((p) => !publicPaths.includes(p)))
      expect(path).toMatch(/^\/v1\/tenants\/\{tenantId\}\//);
    expect(doc.paths['/v1/tenants/{tenantId}/tickets']).toHaveProperty('post');
    expect(doc.paths['/v1/tenants/{tenantId}/tickets']).toHaveProperty('get');
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const operations = Object.entries(doc.paths as Record<string, Record<string, { security?: unknown }>>)
      .filter(([path]) => !publicPaths.includes(path))
      .flatMap(([, p]) => Object.values(p));
    for (const path of publicPaths)
      for (const op of Object.values(doc.paths[path] as Record<string, { security?: unknown }>))
        expect(op.security).toBeUndefined();
    expect(operations.length).toBeGreaterThanOrEqual(7);
    for (const op of operations) expect(op.security).toEqual([{ bearer: [] }]);
  });

  it('answers an unknown route with a 404 JSON error', async () => {
    const open = await intake.call('GET', '/nowhere');
    expect(open.status).toBe(404);
    expect(open.contentType).toContain('application/json');
    expect(open.body.error.code).toBe('not_found');

    const underV1 = await intake.call('GET', '/v1/tenants/acme/widgets', { token: await tokens.internal() });
    expect(underV1.status).toBe(404);
    expect(underV1.contentType).toContain('application/json');
    expect(underV1.body.error.code).toBe('not_found');
  });
});
