import { HTTP_ROUTES } from '@psa/contracts/wiring';
import type { Owner, Priority, Ticket } from '@psa/model/ticket';
import { type TestClaims, testAuth } from '@psa/testing/auth';
import { BUSINESS_HOURS } from '@psa/testing/clock';
import { divisionOfWork } from '@psa/testing/division-of-work';
import { MemoryBlobStore, RecordingBus, RecordingMailer, silentLogger } from '@psa/testing/fakes';
import { type ApiResponse, requestApi } from '@psa/testing/http';
import { startTestStores } from '@psa/testing/stores';
import { createIntakeApp, type IntakeDeps } from '../src/app.ts';
import { createReprocessApp } from '../src/reprocess-app.ts';

/** The web app's origin the API's mail links to. */
export const WEB_URL = 'https://help.acme.example';

/** Tue 2026-06-16 10:00 in New York: an ordinary business hour. */
export const START = BUSINESS_HOURS;

const auth = await testAuth();

/** Intake's routes in the wiring, matched as API Gateway matches them. */
const routes = HTTP_ROUTES.map((r) => ({
  ...r,
  regex: new RegExp(`^${r.path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));

/** A token this API trusts, for tenant `acme` unless the claims say otherwise. */
export const token = (claims: TestClaims): Promise<string> => auth.sign(claims);

/** A token signed with another key: well-formed, but not one this API trusts. */
export { foreignToken } from '@psa/testing/auth';

/** A token signed with the trusted key, but claiming another issuer. */
export const wrongIssuerToken = (): Promise<string> => auth.signAsOtherIssuer({ role: 'internal' });

/** A fresh table, tenant `acme` (and `globex`) with the default division of work, and the app. */
export async function startIntake() {
  const stores = await startTestStores({
    at: START,
    divisionsOfWork: [divisionOfWork(), divisionOfWork({ tenantId: 'globex', name: 'Globex' })],
  });
  const { table, clock } = stores;
  const bus = new RecordingBus();
  const mailer = new RecordingMailer();
  const deps: IntakeDeps = {
    tickets: stores.tickets,
    tenants: stores.tenants,
    outbox: stores.outbox,
    idempotency: stores.idempotency,
    sla: stores.sla,
    messages: stores.messages,
    mail: stores.mail,
    rateLimiter: stores.rateLimits,
    ratings: stores.ratings,
    webUrl: WEB_URL,
    blobs: new MemoryBlobStore(),
    bus,
    mailer,
    clock,
    logger: silentLogger('intake-test'),
    authenticate: auth.authenticate,
  };
  const app = createIntakeApp(deps);
  const apps = new Map<string, typeof app>([
    ['IntakeApi', app],
    ['IntakeReprocessApi', createReprocessApp(deps)],
  ]);
  /** What API Gateway does: the wiring's route picks the function whose app answers. */
  const appFor = (method: string, path: string) => {
    const route = routes.find((r) => r.method === method && r.regex.test(path.split('?')[0]!));
    return (route && apps.get(route.functionId)) ?? app;
  };

  const call = (
    method: string,
    path: string,
    opts: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse> =>
    requestApi(appFor(method, path), method, path, {
      ...(opts.token ? { token: opts.token } : {}),
      ...(opts.headers ? { headers: opts.headers } : {}),
      ...(opts.rawBody !== undefined
        ? { raw: { type: 'application/json', body: opts.rawBody } }
        : { json: opts.body }),
    });

  /** Every ticket of a tenant, through the store's own list (the tickets index). */
  async function allTickets(tenantId = 'acme'): Promise<Ticket[]> {
    const out: Ticket[] = [];
    let cursor: string | undefined;
    do {
      const page = await deps.tickets.list({ tenantId, limit: 100, ...(cursor ? { cursor } : {}) });
      out.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return out;
  }

  /** What the router would do: give a ticket an owner (so visibility rules apply to it). */
  async function assignOwner(tenantId: string, id: string, owner: Owner, priority: Priority = 'P3') {
    const t = await deps.tickets.get(tenantId, id);
    if (!t) throw new Error(`no ticket ${id}`);
    await deps.tickets.update(
      { ...t, owner, priority, workload: 'general-request', afterHours: false, version: t.version + 1 },
      [],
    );
  }

  return { table, clock, deps, app, bus, mailer, call, allTickets, assignOwner, stop: () => table.stop() };
}

export type Intake = Awaited<ReturnType<typeof startIntake>>;
