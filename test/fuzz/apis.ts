import { intakeRoutes } from '@psa/contracts/http/intake-routes';
import { reportingRoutes } from '@psa/contracts/http/reporting-routes';
import { routerRoutes } from '@psa/contracts/http/router-routes';
import type { Role } from '@psa/http/auth';
import { createIntakeApp } from '@psa/intake/app';
import { receiveForTenant } from '@psa/intake/domain/email/receive-email';
import { createReprocessApp } from '@psa/intake/reprocess-app';
import { createReportingApp } from '@psa/reporting/app';
import { createRouterApp } from '@psa/router/app';
import { foreignToken, testAuth } from '@psa/testing/auth';
import { BUSINESS_HOURS } from '@psa/testing/clock';
import { divisionOfWork } from '@psa/testing/division-of-work';
import { MemoryBlobStore, RecordingBus, RecordingMailer, silentLogger } from '@psa/testing/fakes';
import { startTestStores } from '@psa/testing/stores';
import type * as z from 'zod';

/** What the API fuzzer (./api-fuzz.ts) sends its requests to. */

export type Route = {
  method: string;
  path: string;
  request?: {
    params?: z.ZodType;
    query?: z.ZodType;
    headers?: z.ZodType;
    body?: { content: Record<string, { schema: z.ZodType }> };
  };
};

export const ROLES: Role[] = ['requester', 'partner', 'internal', 'leadership'];
/** `ghost` has tokens but no division of work: a tenant that does not exist. */
export const TENANTS = ['acme', 'globex', 'ghost'];

const RAW_MAIL = [
  'From: Pat <pat@acme.example>',
  'To: support@acme.example',
  'Subject: Printer on fire',
  'Message-ID: <fuzz-1@acme.example>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b"',
  '',
  '--b',
  'Content-Type: text/plain',
  '',
  'It is on fire.',
  '--b',
  'Content-Type: text/plain; name="log.txt"',
  'Content-Disposition: attachment; filename="log.txt"',
  '',
  'smoke',
  '--b--',
  '',
].join('\r\n');

/**
 * The intake, router and reporting apps in process over one emulator-backed table, with some state
 * to aim at (tickets of two tenants, a mail with an attachment, a quarantine entry), tokens of
 * every role of every tenant, and the contract's routes, each with the app that serves it.
 */
export async function startApis() {
  const stores = await startTestStores({
    at: BUSINESS_HOURS,
    divisionsOfWork: [divisionOfWork(), divisionOfWork({ tenantId: 'globex', name: 'Globex' })],
  });
  const auth = await testAuth();
  const logger = silentLogger('fuzz');
  const blobs = new MemoryBlobStore();
  const common = { tickets: stores.tickets, tenants: stores.tenants, clock: stores.clock, logger };
  const intakeDeps = {
    ...common,
    outbox: stores.outbox,
    idempotency: stores.idempotency,
    sla: stores.sla,
    messages: stores.messages,
    mail: stores.mail,
    rateLimiter: stores.rateLimits,
    blobs,
    bus: new RecordingBus(),
    mailer: new RecordingMailer(),
    authenticate: auth.authenticate,
  };
  const intake = createIntakeApp(intakeDeps);
  // Re-processing parses mail: its own function (IntakeReprocessApi), its own app.
  const reprocess = createReprocessApp(intakeDeps);
  const router = createRouterApp({
    ...common,
    mail: stores.mail,
    models: stores.models,
    authenticate: auth.authenticate,
  });
  const reporting = createReportingApp({
    ...common,
    reports: stores.reports,
    sla: stores.sla,
    pulse: stores.pulse,
    authenticate: auth.authenticate,
  });

  // Some state to aim at: tickets of both tenants, a mail with an attachment, a quarantine entry.
  const tokens = new Map<string, string>();
  for (const tenant of TENANTS) {
    for (const role of ROLES) {
      tokens.set(`${tenant}/${role}`, await auth.sign({ tenant, role, email: `pat@${tenant}.example` }));
    }
  }
  const ids: string[] = [];
  for (const tenant of ['acme', 'globex']) {
    const res = await intake.request(`/v1/tenants/${tenant}/tickets`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokens.get(`${tenant}/requester`)}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ subject: 'VPN down', body: 'Cannot connect.' }),
    });
    ids.push(((await res.json()) as { id: string }).id);
  }
  const emailDeps = {
    ...common,
    outbox: stores.outbox,
    messages: stores.messages,
    mail: stores.mail,
    rateLimiter: stores.rateLimits,
    blobs,
    bus: new RecordingBus(),
    mailer: new RecordingMailer(),
  };
  await blobs.put('inbound/fuzz-1', RAW_MAIL);
  const mailed = await receiveForTenant(
    new TextEncoder().encode(RAW_MAIL),
    'inbound/fuzz-1',
    divisionOfWork(),
    emailDeps,
  );
  const attachments: string[] = [];
  if ('ticketId' in mailed) {
    ids.push(mailed.ticketId);
    for (const m of await stores.messages.list('acme', mailed.ticketId))
      attachments.push(...m.attachments.map((a) => a.id));
  }
  await blobs.put('inbound/fuzz-2', 'Subject: no sender\r\n\r\nhello');
  await receiveForTenant(
    new TextEncoder().encode('Subject: no sender\r\n\r\nhello'),
    'inbound/fuzz-2',
    divisionOfWork(),
    emailDeps,
  );
  const quarantined = (await stores.mail.listQuarantine('acme', 10)).items.map((q) => q.id);
  const foreignCursors = [
    Buffer.from(JSON.stringify({ pk: 'T#globex#QUAR', sk: '2026#x' })).toString('base64url'),
    Buffer.from(JSON.stringify({ pk: 'x', sk: 'y', gsi1pk: 'T#globex#TICKETS', gsi1sk: 'z' })).toString(
      'base64url',
    ),
    Buffer.from('[1,2,3]').toString('base64url'),
  ];

  const apps = new Map<
    string,
    { request: (path: string, init: RequestInit) => Response | Promise<Response> }
  >();
  const routes: [string, Route][] = [];
  for (const [name, route] of Object.entries(intakeRoutes)) {
    routes.push([name, route as Route]);
    apps.set(name, name === 'reprocessQuarantined' ? reprocess : intake);
  }
  for (const [name, route] of Object.entries(routerRoutes)) {
    routes.push([name, route as Route]);
    apps.set(name, router);
  }
  for (const [name, route] of Object.entries(reportingRoutes)) {
    routes.push([name, route as Route]);
    apps.set(name, reporting);
  }
  return {
    routes,
    apps,
    tokens,
    ids,
    attachments,
    quarantined,
    foreignCursors,
    stop: () => stores.stop(),
    foreign: await foreignToken(),
  };
}

export type Apis = Awaited<ReturnType<typeof startApis>>;
