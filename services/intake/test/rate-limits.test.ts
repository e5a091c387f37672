import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiveForTenant } from '../src/domain/email/receive-email.ts';
import { type Intake, startIntake, token } from './support.ts';

/**
 * Ticket creation is rate limited by token buckets in the table (so every Lambda instance counts
 * against the same bucket): per caller and per tenant on the web API, answered 429 with
 * Retry-After; per sender for mail, which is quarantined with the reason, never lost.
 */
let intake: Intake;
beforeAll(async () => {
  intake = await startIntake();
});
afterAll(() => intake.stop());

const submit = async (bearer: string, tenant = 'acme') =>
  intake.call('POST', `/v1/tenants/${tenant}/tickets`, {
    token: bearer,
    body: { subject: 'Printer', body: 'jammed' },
  });

describe('the web API', () => {
  it('lets a requester open 30 tickets at once, then answers 429 with Retry-After until the bucket refills', async () => {
    const flood = await token({ role: 'requester', email: 'flood@acme.example' });
    for (let i = 0; i < 30; i++) expect((await submit(flood)).status).toBe(201);
    const refused = await submit(flood);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.body.error).toMatchObject({
      code: 'too_many_requests',
      message: expect.stringMatching(/retry after 60 s/),
    });
    // Someone else of the tenant is not held back by it.
    expect((await submit(await token({ role: 'requester', email: 'calm@acme.example' }))).status).toBe(201);
    intake.clock.advance(60_000);
    expect((await submit(flood)).status).toBe(201);
    expect((await submit(flood)).status).toBe(429);
  });

  it("counts a tenant's callers together, and not another tenant's", async () => {
    intake.deps.rateLimits = { perTenant: { capacity: 3, refillPerSecond: 1 } };
    try {
      const results = [];
      for (const who of ['a', 'b', 'c', 'd']) {
        results.push(
          (
            await submit(
              await token({ role: 'requester', email: `${who}@globex.example`, tenant: 'globex' }),
              'globex',
            )
          ).status,
        );
      }
      expect(results).toEqual([201, 201, 201, 429]);
      const other = await submit(await token({ role: 'requester', email: 'z@acme.example' }));
      expect(other.status).toBe(201);
    } finally {
      delete intake.deps.rateLimits;
    }
  });
});

describe('the bucket', () => {
  it('never lets more through than it holds, however many take at once', async () => {
    const limit = { capacity: 10, refillPerSecond: 0.001 };
    const decisions = await Promise.all(
      Array.from({ length: 25 }, () => intake.deps.rateLimiter.take('concurrent-test', limit)),
    );
    expect(decisions.filter((d) => d.allowed).length).toBeLessThanOrEqual(10);
    let more = 0;
    for (let i = 0; i < 15; i++)
      if ((await intake.deps.rateLimiter.take('concurrent-test', limit)).allowed) more++;
    expect(decisions.filter((d) => d.allowed).length + more).toBe(10);
  });

  it('keys by a hash, so a caller id of any length fits the table', async () => {
    const decision = await intake.deps.rateLimiter.take(`web:acme:${'s'.repeat(5000)}`, {
      capacity: 1,
      refillPerSecond: 1,
    });
    expect(decision).toEqual({ allowed: true });
  });
});

describe('mail', () => {
  it("quarantines a sender's mail once it has opened 60 tickets in a short time, with the reason", async () => {
    const dow = (await intake.deps.tenants.getDivisionOfWork('acme'))!;
    const outcomes = [];
    for (let i = 0; i < 61; i++) {
      const raw = new TextEncoder().encode(
        `From: bot@flood.example\r\nTo: support@acme.example\r\nSubject: Alert ${i}\r\nMessage-ID: <flood-${i}@flood.example>\r\n\r\nbody ${i}\r\n`,
      );
      await intake.deps.blobs.put(`inbound/flood-${i}`, raw);
      outcomes.push(await receiveForTenant(raw, `inbound/flood-${i}`, dow, intake.deps));
    }
    expect(outcomes.slice(0, 60).every((o) => o.outcome === 'created')).toBe(true);
    expect(outcomes[60]).toMatchObject({
      outcome: 'quarantined',
      reason: expect.stringMatching(/rate limit/),
    });
  });
});
