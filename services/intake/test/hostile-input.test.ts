import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Intake, startIntake, token } from './support.ts';

/**
 * What a black-box probe sent the intake API and got a 500 (or a wrong 200) for: ids too long
 * for a DynamoDB key, cursors of another listing, a tenant that does not exist.
 */
let intake: Intake;
beforeAll(async () => {
  intake = await startIntake();
});
afterAll(() => intake.stop());

const internal = (tenant = 'acme') => token({ role: 'internal', email: `it@${tenant}.example`, tenant });

describe('ids', () => {
  const long = 'a'.repeat(2100);
  const routes: [string, string, unknown?][] = [
    ['GET', `/v1/tenants/acme/tickets/${long}`],
    ['POST', `/v1/tenants/acme/tickets/${long}/status`, { status: 'in_progress' }],
    ['POST', `/v1/tenants/acme/tickets/${long}/priority`, { priority: 'P2' }],
    ['POST', `/v1/tenants/acme/tickets/${long}/reassign`, { to: 'partner', reason: 'x' }],
    ['GET', `/v1/tenants/acme/tickets/${long}/attachments/a-1`],
    ['GET', `/v1/tenants/acme/tickets/t-1/attachments/${long}`],
    ['POST', `/v1/tenants/acme/mail/quarantine/${long}/reprocess`],
  ];

  it.each(routes)(
    'answers 400 naming the id for an id of 2,100 characters: %s %s',
    async (method, path, body) => {
      const res = await intake.call(method, path, { token: await internal(), body });
      expect(res.status).toBe(400);
      expect(res.body.error.issues).toEqual([
        {
          path: expect.stringMatching(/^param\.(id|attachmentId)$/),
          message: 'an id is at most 64 characters',
        },
      ]);
    },
  );

  it('answers 400 for an id with characters no id has, and 404 for a well-formed unknown one', async () => {
    const odd = await intake.call('GET', `/v1/tenants/acme/tickets/${encodeURIComponent('a#b\u0000')}`, {
      token: await internal(),
    });
    expect(odd.status).toBe(400);
    const unknown = await intake.call(
      'GET',
      '/v1/tenants/acme/tickets/0b9d1c7e-0000-4000-8000-000000000000',
      {
        token: await internal(),
      },
    );
    expect(unknown.status).toBe(404);
  });
});

describe('cursors', () => {
  it("answers 400 at query.cursor for another tenant's quarantine cursor, and pages its own", async () => {
    for (const tenantId of ['acme', 'globex']) {
      for (const n of [1, 2]) {
        await intake.deps.mail.quarantine({
          id: `${tenantId}-q${n}`,
          tenantId,
          receivedAt: `2026-06-1${n}T10:00:00.000Z`,
          reason: 'test',
          rawKey: `inbound/${tenantId}-${n}`,
          from: null,
          subject: null,
          status: 'quarantined',
        });
      }
    }
    const globexPage = await intake.call('GET', '/v1/tenants/globex/mail/quarantine?limit=1', {
      token: await internal('globex'),
    });
    expect(globexPage.status).toBe(200);
    const foreign = globexPage.body.nextCursor as string;
    expect(foreign).toEqual(expect.any(String));

    const res = await intake.call('GET', `/v1/tenants/acme/mail/quarantine?cursor=${foreign}`, {
      token: await internal(),
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues).toEqual([{ path: 'query.cursor', message: 'invalid' }]);

    const first = await intake.call('GET', '/v1/tenants/acme/mail/quarantine?limit=1', {
      token: await internal(),
    });
    const second = await intake.call(
      'GET',
      `/v1/tenants/acme/mail/quarantine?limit=1&cursor=${first.body.nextCursor}`,
      {
        token: await internal(),
      },
    );
    expect(second.status).toBe(200);
    expect([...first.body.items, ...second.body.items].map((q: { id: string }) => q.id)).toEqual([
      'acme-q2',
      'acme-q1',
    ]);
  });

  it("answers 400 for a ticket cursor of another requester's listing, and for forged ones", async () => {
    for (const who of ['pat@acme.example', 'pat@acme.example', 'sam@acme.example']) {
      const created = await intake.call('POST', '/v1/tenants/acme/tickets', {
        token: await token({ role: 'requester', email: who }),
        body: { subject: 'Printer', body: 'jammed' },
      });
      expect(created.status).toBe(201);
    }
    const pat = await token({ role: 'requester', email: 'pat@acme.example' });
    const sam = await token({ role: 'requester', email: 'sam@acme.example' });
    const patPage = await intake.call('GET', '/v1/tenants/acme/tickets?limit=1', { token: pat });
    const foreign = patPage.body.nextCursor as string;
    expect(foreign).toEqual(expect.any(String));

    const forged = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
    for (const cursor of [
      foreign,
      forged({ pk: 'x', sk: 'y', gsi3pk: 'T#globex#REQ#sam@acme.example', gsi3sk: 'z' }),
      forged({ gsi3pk: 'T#acme#REQ#sam@acme.example' }),
      forged({ pk: 1, sk: 2, gsi3pk: 3, gsi3sk: 4 }),
      forged([1, 2]),
      'not-base64-json',
    ]) {
      const res = await intake.call('GET', `/v1/tenants/acme/tickets?cursor=${cursor}`, { token: sam });
      expect(res.status, cursor).toBe(400);
      expect(res.body.error.issues, cursor).toEqual([{ path: 'query.cursor', message: 'invalid' }]);
    }
  });
});

describe('a tenant that does not exist', () => {
  it('answers 404 to its own token on the quarantine and the ticket list, like every other route', async () => {
    const ghost = await internal('ghost');
    for (const path of ['/v1/tenants/ghost/mail/quarantine', '/v1/tenants/ghost/tickets']) {
      const res = await intake.call('GET', path, { token: ghost });
      expect(res.status, path).toBe(404);
      expect(res.body.error.message).toBe('tenant ghost not found');
    }
  });
});
