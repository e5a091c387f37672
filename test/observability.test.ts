import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  eventually,
  mintToken,
  newDataDir,
  type RunningSystem,
  removeDataDir,
  startSystem,
} from './support/system.ts';

/**
 * Following one ticket through the logs, as an on-call person does: the functions write the same
 * JSON lines locally as in Lambda, and every line written for the ticket, in every function it
 * passed through, carries its correlation id (API Gateway's request id of the request that
 * created it) and the ticket's id.
 */
let dataDir: string;
let system: RunningSystem;
let token: string;

beforeAll(async () => {
  dataDir = await newDataDir();
  system = await startSystem(dataDir, { PSA_LOG_LEVEL: 'INFO' });
  token = await mintToken(dataDir, [
    '--tenant',
    'acme',
    '--role',
    'internal',
    '--email',
    'it-lead@acme.example',
  ]);
});
afterAll(async () => {
  await system?.stop();
  await removeDataDir(dataDir);
});

type LogLine = Record<string, unknown>;

/** The JSON log lines the runtime has written so far. */
function logLines(): LogLine[] {
  return system
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return [];
      }
    });
}

describe('one ticket in the logs', () => {
  it('carries its correlation id on the lines of every function it passed through', async () => {
    const res = await fetch(`${system.endpoints.http}/v1/tenants/acme/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        subject: 'VPN keeps dropping',
        body: 'Since this morning, every ten minutes.',
        requester: { email: 'alice@acme.example' },
      }),
    });
    expect(res.status).toBe(201);
    const ticketId = ((await res.json()) as { id: string }).id;
    const correlationId = res.headers.get('x-request-id');
    expect(correlationId).toMatch(/^[A-Za-z0-9+/=]{8,}$/); // API Gateway's request id, as locally minted

    const ofTicket = (line: LogLine) => line.correlationId === correlationId && line.ticketId === ticketId;
    // Intake took the request; the router, the SLA clocks and the reporting projection its events.
    const expected = [
      ['intake', 'request handled'],
      ['router', 'ticket routed'],
      ['router', 'event handled'],
      ['sla', 'event handled'],
      ['reporting', 'event handled'],
    ];
    const seen = await eventually(
      async () =>
        logLines()
          .filter(ofTicket)
          .map((line) => [line.service, line.message]),
      (lines) =>
        expected.every(([service, message]) => lines.some(([s, m]) => s === service && m === message)),
    );
    expect(seen).toEqual(expect.arrayContaining(expected));
    const lines = logLines().filter(ofTicket);
    expect(lines.every((line) => line.tenantId === 'acme')).toBe(true);
    // The functions' lines name the function and its invocation, as Lambda's context gives them.
    expect(lines.find((l) => l.service === 'router' && l.message === 'event handled')).toMatchObject({
      function_name: 'RouterOnTicketReceived',
      function_request_id: expect.any(String),
      event: 'psa.intake/TicketReceived',
    });
    expect(lines.find((l) => l.service === 'intake')).toMatchObject({
      requestId: correlationId,
      status: 201,
    });
  });

  it('follows a mailed ticket by its mail’s id, from intake to the SLA clocks and the reports', async () => {
    const port = Number(new URL(system.endpoints.smtp!).port);
    const smtp = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    await smtp.sendMail({
      from: '"Bob" <bob@acme.example>',
      to: 'support@acme.example',
      subject: 'Printer on floor 3 jams',
      text: 'Every second page.',
    });
    smtp.close();
    const received = await eventually(
      async () =>
        logLines().find(
          (l) =>
            l.message === 'mail received' && (l.results as { outcome: string }[])[0]?.outcome === 'created',
        ),
      (line) => line !== undefined,
    );
    const { correlationId, ticketId } = received as { correlationId: string; ticketId: string };
    expect(correlationId).toEqual(expect.any(String));
    expect(received).toMatchObject({ service: 'intake', function_name: 'IntakeEmail', tenantId: 'acme' });
    const services = await eventually(
      async () =>
        new Set(
          logLines()
            .filter((l) => l.correlationId === correlationId && l.ticketId === ticketId)
            .map((l) => l.service),
        ),
      (seen) => ['intake', 'router', 'sla', 'reporting'].every((s) => seen.has(s)),
    );
    expect([...services].sort()).toEqual(['intake', 'reporting', 'router', 'sla']);
  });

  it('finds an error answer’s request id in the logs', async () => {
    const res = await api(system.endpoints.http, token).get('/v1/tenants/acme/tickets/no-such-ticket');
    expect(res.status).toBe(404);
    const requestId = res.body.error.requestId as string;
    const line = await eventually(
      async () => logLines().find((l) => l.requestId === requestId),
      (found) => found !== undefined,
    );
    expect(line).toMatchObject({
      service: 'intake',
      message: 'request handled',
      status: 404,
      tenantId: 'acme',
      ticketId: 'no-such-ticket',
      correlationId: requestId,
    });
  });
});
