import { intakeRoutes } from '@psa/contracts/http/intake-routes';
import { HTTP_ROUTES } from '@psa/contracts/wiring';
import type { SlaClockRecord } from '@psa/model/sla-clock';
import type { Owner } from '@psa/model/ticket';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Intake, START, startIntake, token } from './support.ts';

/**
 * What the staff console reads: lists filtered by owner, status, workload and SLA state, most
 * urgent first, counts per owner, conditional reads (ETag, 304), one quarantined mail's headers.
 * One table per file, on a fixed clock; each test makes the tickets it reads, with its own workload.
 */
let intake: Intake;
beforeAll(async () => {
  intake = await startIntake();
});
afterAll(() => intake.stop());

const TICKETS = '/v1/tenants/acme/tickets';
const COUNTS = '/v1/tenants/acme/ticket-counts';
const internal = () => token({ role: 'internal', email: 'it@acme.example', sub: 'it' });
const partner = () => token({ role: 'partner', email: 'dispatch@msp.example', sub: 'msp' });
const inMinutes = (m: number) => new Date(intake.clock.now().getTime() + m * 60_000).toISOString();

function clock(ticketId: string, over: Partial<SlaClockRecord>): SlaClockRecord {
  return {
    tenantId: 'acme',
    ticketId,
    clockId: 'internal.firstResponse',
    target: 'firstResponse',
    owner: 'internal',
    priority: 'P3',
    calendar: 'internal',
    targetMinutes: 480,
    cycle: 0,
    startedAt: START,
    pauses: [],
    pausedFor: null,
    dueAt: inMinutes(480),
    warnAt: {},
    warned: [],
    completedAt: null,
    met: null,
    breached: false,
    breachedAt: null,
    priorBreaches: 0,
    deferredUntil: null,
    ticketVersion: 2,
    rev: 1,
    ...over,
  };
}

/** A routed ticket of `workload`, owned by `owner`, with one clock due in `dueIn` minutes. */
async function routed(workload: string, owner: Owner, dueIn: number | null, subject = 'Help') {
  // A second apart, so newest first is one order.
  intake.clock.advance(1000);
  const created = await intake.call('POST', TICKETS, {
    token: await token({ role: 'requester', email: 'pat@acme.example' }),
    body: { subject, body: 'Please.' },
  });
  const id = created.body.id as string;
  const t = (await intake.deps.tickets.get('acme', id))!;
  await intake.deps.tickets.update({ ...t, owner, workload, priority: 'P3', version: t.version + 1 }, []);
  if (dueIn !== null) {
    await intake.deps.sla.saveClock(
      clock(id, { owner, calendar: owner === 'partner' ? 'partner' : 'internal', dueAt: inMinutes(dueIn) }),
      [],
    );
  }
  return id;
}

const ids = (body: { items: { id: string }[] }) => body.items.map((t) => t.id);

describe('ticket lists for the console', () => {
  it('filters by workload and SLA state: breached, due within four hours', async () => {
    const late = await routed('wl-sla', 'internal', -10);
    const soon = await routed('wl-sla', 'internal', 120);
    const later = await routed('wl-sla', 'internal', 600);
    await routed('wl-other', 'internal', -10);
    const all = await intake.call('GET', `${TICKETS}?workload=wl-sla`, { token: await internal() });
    expect(ids(all.body)).toEqual([later, soon, late]);
    const breached = await intake.call('GET', `${TICKETS}?workload=wl-sla&sla=breached`, {
      token: await internal(),
    });
    expect(ids(breached.body)).toEqual([late]);
    const dueSoon = await intake.call('GET', `${TICKETS}?workload=wl-sla&sla=due-soon`, {
      token: await internal(),
    });
    expect(ids(dueSoon.body)).toEqual([soon]);
    // Each ticket says which state it is in, as the filter reads it.
    expect(all.body.items.map((t: { slaState: string | null }) => t.slaState)).toEqual([
      null,
      'due-soon',
      'breached',
    ]);
  });

  it('pages a filtered list with cursors, losing and repeating nothing', async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push(await routed('wl-pages', 'internal', null));
    await routed('wl-pages-not', 'internal', null);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await intake.call(
        'GET',
        `${TICKETS}?workload=wl-pages&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { token: await internal() },
      );
      expect(res.status).toBe(200);
      seen.push(...ids(res.body));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...made].reverse());
  });

  it('lists the most urgent first: breached, then by due instant, then tickets without a clock', async () => {
    const none = await routed('wl-urgent', 'internal', null);
    const later = await routed('wl-urgent', 'internal', 300);
    const late = await routed('wl-urgent', 'internal', -5);
    const soon = await routed('wl-urgent', 'internal', 30);
    const first = await intake.call('GET', `${TICKETS}?workload=wl-urgent&sort=urgent&limit=3`, {
      token: await internal(),
    });
    expect(ids(first.body)).toEqual([late, soon, later]);
    const rest = await intake.call(
      'GET',
      `${TICKETS}?workload=wl-urgent&sort=urgent&limit=3&cursor=${first.body.nextCursor}`,
      { token: await internal() },
    );
    expect(ids(rest.body)).toEqual([none]);
    expect(rest.body.nextCursor).toBeNull();
  });

  it('never shows the partner an internal-owned ticket, whatever the filters or order', async () => {
    const mine = await routed('wl-scope', 'partner', 30);
    await routed('wl-scope', 'internal', 20);
    for (const query of [
      '',
      '&sort=urgent',
      '&owner=internal',
      '&sla=due-soon',
      '&owner=internal&sort=urgent',
    ]) {
      const res = await intake.call('GET', `${TICKETS}?workload=wl-scope${query}`, {
        token: await partner(),
      });
      expect(res.status, query).toBe(200);
      expect(ids(res.body), query).toEqual(query.includes('owner=internal') ? [] : [mine]);
    }
  });

  it('names the field of a bad filter in the 400', async () => {
    for (const [query, field] of [
      ['sla=late', 'query.sla'],
      ['sort=oldest', 'query.sort'],
      ['workload=Not%20A%20Workload', 'query.workload'],
      ['status=open', 'query.status'],
      ['sort=urgent&cursor=abc', 'query.cursor'],
    ] as const) {
      const res = await intake.call('GET', `${TICKETS}?${query}`, { token: await internal() });
      expect(res.status, query).toBe(400);
      expect(
        res.body.error.issues.map((i: { path: string }) => i.path),
        query,
      ).toContain(field);
    }
    const counts = await intake.call('GET', `${COUNTS}?sla=late`, { token: await internal() });
    expect(counts.status).toBe(400);
    expect(counts.body.error.issues[0].path).toBe('query.sla');
  });
});

describe('counts per tab', () => {
  it('counts per owner the caller may see, with the filters applied', async () => {
    await routed('wl-count', 'internal', -1);
    await routed('wl-count', 'internal', 600);
    await routed('wl-count', 'partner', -1);
    await routed('wl-count', 'triage', null);
    const it = await intake.call('GET', `${COUNTS}?workload=wl-count`, { token: await internal() });
    expect(it.body).toEqual({ total: 4, byOwner: { internal: 2, partner: 1, triage: 1 }, complete: true });
    const breached = await intake.call('GET', `${COUNTS}?workload=wl-count&sla=breached`, {
      token: await internal(),
    });
    expect(breached.body.byOwner).toEqual({ internal: 1, partner: 1, triage: 0 });
    const msp = await intake.call('GET', `${COUNTS}?workload=wl-count`, { token: await partner() });
    expect(msp.body).toEqual({ total: 2, byOwner: { partner: 1, triage: 1 }, complete: true });
  });

  it('refuses requesters, leadership and another tenant', async () => {
    for (const role of ['requester', 'leadership'] as const) {
      const res = await intake.call('GET', COUNTS, { token: await token({ role, email: 'x@acme.example' }) });
      expect(res.status, role).toBe(403);
    }
    const foreign = await token({ role: 'internal', email: 'it@globex.example', tenant: 'globex' });
    for (const path of [
      COUNTS,
      '/v1/tenants/acme/mail/quarantine/q-1',
      `${TICKETS}?sla=breached&sort=urgent`,
    ]) {
      // Anything of another tenant answers as if it did not exist.
      const res = await intake.call('GET', path, { token: foreign });
      expect(res.status, path).toBe(404);
    }
  });
});

describe('conditional reads', () => {
  it('answers 304 to the ETag of an unchanged list or ticket, and 200 once it changed', async () => {
    const id = await routed('wl-etag', 'internal', 60);
    const list = `${TICKETS}?workload=wl-etag`;
    for (const path of [list, `${TICKETS}/${id}`, `${COUNTS}?workload=wl-etag`]) {
      const first = await intake.call('GET', path, { token: await internal() });
      expect(first.status, path).toBe(200);
      const etag = first.headers.get('etag');
      expect(etag, path).toMatch(/^W\/"/);
      const again = await intake.call('GET', path, {
        token: await internal(),
        headers: { 'if-none-match': etag! },
      });
      expect(again.status, path).toBe(304);
      expect(again.text, path).toBe('');
    }
    const before = await intake.call('GET', `${TICKETS}/${id}`, { token: await internal() });
    await intake.call('POST', `${TICKETS}/${id}/messages`, {
      token: await internal(),
      body: { visibility: 'internal', text: 'Looking at it.' },
    });
    for (const path of [list, `${TICKETS}/${id}`]) {
      const res = await intake.call('GET', path, {
        token: await internal(),
        headers: { 'if-none-match': before.headers.get('etag')! },
      });
      expect(res.status, path).toBe(200);
    }
  });

  it('gives the partner and internal IT different tags for the same ticket (their views differ)', async () => {
    const id = await routed('wl-etag2', 'partner', 60);
    await intake.call('POST', `${TICKETS}/${id}/messages`, {
      token: await internal(),
      body: { visibility: 'internal', text: 'Only for us.' },
    });
    const it = await intake.call('GET', `${TICKETS}/${id}`, { token: await internal() });
    const msp = await intake.call('GET', `${TICKETS}/${id}`, {
      token: await partner(),
      headers: { 'if-none-match': it.headers.get('etag')! },
    });
    expect(msp.status).toBe(200);
    expect(JSON.stringify(msp.body)).not.toContain('Only for us.');
  });
});

describe('one quarantined mail', () => {
  it('shows internal IT the raw headers and nobody else', async () => {
    const raw = 'From: robot@x.example\r\nSubject: Loop\r\nX-Loop: yes\r\n\r\nbody text\r\n';
    await intake.deps.blobs.put('raw/q-1.eml', raw);
    await intake.deps.mail.quarantine({
      id: 'q-1',
      tenantId: 'acme',
      receivedAt: START,
      reason: 'mail loop guard',
      rawKey: 'raw/q-1.eml',
      from: 'robot@x.example',
      subject: 'Loop',
      status: 'quarantined',
    });
    const res = await intake.call('GET', '/v1/tenants/acme/mail/quarantine/q-1', { token: await internal() });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: 'q-1',
      reason: 'mail loop guard',
      headers: 'From: robot@x.example\nSubject: Loop\nX-Loop: yes',
      headersTruncated: false,
      rawAvailable: true,
    });
    expect(res.text).not.toContain('body text');
    const msp = await intake.call('GET', '/v1/tenants/acme/mail/quarantine/q-1', { token: await partner() });
    expect(msp.status).toBe(403);
    const missing = await intake.call('GET', '/v1/tenants/acme/mail/quarantine/q-2', {
      token: await internal(),
    });
    expect(missing.status).toBe(404);
  });
});

describe('wiring', () => {
  it('sends every route of intake to IntakeApi but re-processing (IntakeReprocessApi), behind the authorizer', () => {
    for (const [name, r] of Object.entries(intakeRoutes)) {
      const found = HTTP_ROUTES.find((h) => h.method === r.method.toUpperCase() && h.path === r.path);
      const functionId = name === 'reprocessQuarantined' ? 'IntakeReprocessApi' : 'IntakeApi';
      expect(found, `${r.method} ${r.path}`).toMatchObject({ functionId, authorized: true });
    }
  });
});
