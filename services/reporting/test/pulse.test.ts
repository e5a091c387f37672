import type { Principal } from '@psa/http/auth';
import { PULSE_QUESTION } from '@psa/model/pulse';
import { RecordingMailer } from '@psa/testing/fakes';
import { createTestIssuer } from '@psa/testing/tokens';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sendPulseSurveys } from '../src/domain/pulse.ts';
import { getRelief } from '../src/domain/read-reports.ts';
import { createPulseApp } from '../src/pulse-app.ts';
import { startReporting } from './support.ts';

/** The team pulse: invitations once a month, answers once per person and month, the month's summary. */
const issuer = await createTestIssuer();
const WEB = 'http://web.test';

let r: Awaited<ReturnType<typeof startReporting>>;
let mailer: RecordingMailer;
let app: ReturnType<typeof createPulseApp>;
beforeEach(async () => {
  // 20 November, 10:00 in New York: before the pulse opens on the 25th.
  r = await startReporting('2026-11-20T15:00:00.000Z');
  mailer = new RecordingMailer();
  app = createPulseApp({ ...r.deps, authenticate: issuer.authenticate });
});
afterEach(() => r.stop());

const send = () => sendPulseSurveys({ ...r.deps, mailer, webUrl: WEB });
const tokenOf = (text: string) => /\/pulse\/([A-Za-z0-9_-]{43})/.exec(text)?.[1];

async function call(method: string, path: string, body?: unknown, token?: string) {
  const res = await app.request(path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies are read loosely in assertions.
  return { status: res.status, body: (await res.json()) as any };
}

describe('the monthly pulse invitations', () => {
  it('go out from the 25th, once per month, to each internal IT person with a one-time link', async () => {
    expect(await send()).toEqual([]);
    r.clock.set('2026-11-25T14:00:00.000Z');
    expect(await send()).toEqual(['acme/2026-11']);
    expect(await send()).toEqual([]);
    expect(mailer.sent.map((m) => m.to)).toEqual(['it-lead@acme.example']);
    const [mail] = mailer.sent;
    expect(mail?.subject).toBe('Team pulse for 2026-11: one question');
    expect(mail?.text).toContain(PULSE_QUESTION);
    expect(mail?.text).toContain(`${WEB}/pulse/`);
    // December's goes out in December.
    r.clock.set('2026-12-26T14:00:00.000Z');
    expect(await send()).toEqual(['acme/2026-12']);
  });

  it('take one answer through the link, then refuse the link; the relief report counts it', async () => {
    r.clock.set('2026-11-25T14:00:00.000Z');
    await send();
    const token = tokenOf(mailer.sent[0]!.text)!;
    const shown = await call('GET', `/public/pulse/${token}`);
    expect(shown.body).toMatchObject({ month: '2026-11', question: PULSE_QUESTION, answered: false });
    const answered = await call('POST', `/public/pulse/${token}`, {
      score: 4,
      comment: 'Fewer password resets.',
    });
    expect(answered).toEqual({ status: 200, body: { month: '2026-11', score: 4, created: true } });
    expect((await call('POST', `/public/pulse/${token}`, { score: 2 })).status).toBe(410);
    expect((await call('GET', `/public/pulse/${token}`)).body.answered).toBe(true);
    expect((await call('POST', `/public/pulse/${'x'.repeat(43)}`, { score: 2 })).status).toBe(404);
    const leadership: Principal = { sub: 'coo', tenant: 'acme', role: 'leadership' };
    const report = await getRelief({ tenantId: 'acme', principal: leadership, month: '2026-11' }, r.deps);
    expect('pulse' in report && report.pulse).toMatchObject({
      count: 1,
      asked: 1,
      mean: 4,
      comments: ['Fewer password resets.'],
    });
  });

  it('expire with their link', async () => {
    r.clock.set('2026-11-25T14:00:00.000Z');
    await send();
    r.clock.set('2026-12-20T14:00:00.000Z');
    expect((await call('POST', `/public/pulse/${tokenOf(mailer.sent[0]!.text)}`, { score: 3 })).status).toBe(
      410,
    );
  });
});

describe('answering the pulse in the API', () => {
  const it_lead = () => issuer.sign({ tenant: 'acme', role: 'internal', email: 'it-lead@acme.example' });

  it('keeps one answer per person and month: the same answer again is fine, another is refused', async () => {
    const token = await it_lead();
    const first = await call('POST', '/v1/tenants/acme/pulse', { score: 5 }, token);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      month: '2026-11',
      score: 5,
      comment: null,
      email: 'it-lead@acme.example',
    });
    expect((await call('POST', '/v1/tenants/acme/pulse', { score: 5 }, token)).status).toBe(200);
    expect((await call('POST', '/v1/tenants/acme/pulse', { score: 1 }, token)).status).toBe(409);
    const read = await call('GET', '/v1/tenants/acme/pulse?month=2026-11', undefined, token);
    expect(read.body).toMatchObject({ month: '2026-11', question: PULSE_QUESTION, answer: { score: 5 } });
    // Someone else's answer is their own.
    const other = await issuer.sign({ tenant: 'acme', role: 'internal', email: 'ops@acme.example' });
    expect((await call('GET', '/v1/tenants/acme/pulse', undefined, other)).body.answer).toBeNull();
  });

  it('takes the current month or the one before, nothing older and nothing outside 1 to 5', async () => {
    const token = await it_lead();
    expect((await call('POST', '/v1/tenants/acme/pulse', { score: 3, month: '2026-10' }, token)).status).toBe(
      201,
    );
    expect((await call('POST', '/v1/tenants/acme/pulse', { score: 3, month: '2026-09' }, token)).status).toBe(
      400,
    );
    expect((await call('POST', '/v1/tenants/acme/pulse', { score: 6 }, token)).status).toBe(400);
  });

  it('is for internal IT only', async () => {
    for (const role of ['partner', 'leadership', 'requester'] as const) {
      const token = await issuer.sign({ tenant: 'acme', role, email: `x@acme.example` });
      expect((await call('POST', '/v1/tenants/acme/pulse', { score: 3 }, token)).status, role).toBe(403);
    }
  });
});
