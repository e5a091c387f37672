/**
 * `npm run smoke -- --api URL --token T [--tenant T] [--timeout 60]`: the post-deploy check. It
 * walks one ticket through the deployed system as a client would and exits non-zero naming the
 * step that failed:
 *
 *   health   the API answers an authorized call (token accepted, function and table reachable)
 *   openapi  the public contract is served and lists the routes this check uses
 *   submit   a ticket is accepted
 *   routed   the router decided its owner (the bus delivered TicketReceived to the router)
 *   queue    it is on its owner's list, with its routing fields (rule, reasons, division of work)
 *   report   a leadership report is read
 *   cleanup  the ticket is closed (also after a failed step, so a failed check leaves nothing open)
 *
 * The token must be an internal IT user's (it reads every ticket and the reports, and closes the
 * ticket). The ticket is filed for SES's mailbox simulator (success@simulator.amazonses.com), so
 * its acknowledgement reaches nobody and cannot bounce. It stays in the tenant's history, closed,
 * with a subject that says what it was. The routed queue's message is left to the dispatcher:
 * taking it off the real queue would steal work, and the routing fields show where it went.
 */
import { parseArgs } from 'node:util';

const SIMULATOR = 'success@simulator.amazonses.com';

export interface SmokeOptions {
  api: string;
  token: string;
  tenant: string;
  /** How long the asynchronous steps (routing) may take. */
  timeoutMs: number;
  out: (line: string) => void;
}

interface Response {
  status: number;
  body: unknown;
}

class StepFailure extends Error {}

/** Runs the steps in order; resolves with the name of the step that failed, or null. */
export async function smoke(options: SmokeOptions): Promise<string | null> {
  const base = options.api.replace(/\/+$/, '');
  const tenantPath = `/v1/tenants/${encodeURIComponent(options.tenant)}`;
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(path === '/openapi.json' ? {} : { authorization: `Bearer ${options.token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: reported as text
    }
    return { status: res.status, body: parsed } satisfies Response;
  };
  const expectStatus = (res: Response, expected: number[], what: string) => {
    if (!expected.includes(res.status))
      throw new StepFailure(`${what} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
  };

  const runId = new Date().toISOString().replace(/[-:.]/g, '');
  let ticketId: string | null = null;
  let closed = false;
  const state: { owner?: string } = {};

  const steps: Array<[string, () => Promise<string>]> = [
    [
      'health',
      async () => {
        const res = await call('GET', `${tenantPath}/tickets?limit=1`);
        if (res.status === 401 || res.status === 403)
          throw new StepFailure(
            `the API refused the token (${res.status}): is it an internal IT token of tenant ${options.tenant} from the issuer the stage trusts?`,
          );
        if (res.status === 404)
          throw new StepFailure(`tenant ${options.tenant} is unknown, or not the token's tenant`);
        expectStatus(res, [200], 'GET tickets');
        return 'the API accepts the token';
      },
    ],
    [
      'openapi',
      async () => {
        const res = await call('GET', '/openapi.json');
        expectStatus(res, [200], 'GET /openapi.json');
        const doc = res.body as { openapi?: unknown; paths?: Record<string, unknown> };
        if (typeof doc.openapi !== 'string' || !doc.openapi.startsWith('3.'))
          throw new StepFailure('/openapi.json is not an OpenAPI 3 document');
        const needed = [
          '/v1/tenants/{tenantId}/tickets',
          '/v1/tenants/{tenantId}/tickets/{id}',
          '/v1/tenants/{tenantId}/tickets/{id}/status',
          '/v1/tenants/{tenantId}/reports/backlog',
        ];
        const missing = needed.filter((p) => !(doc.paths && p in doc.paths));
        if (missing.length) throw new StepFailure(`the contract lacks ${missing.join(', ')}`);
        return `OpenAPI ${doc.openapi}, ${Object.keys(doc.paths ?? {}).length} paths`;
      },
    ],
    [
      'submit',
      async () => {
        const res = await call(
          'POST',
          `${tenantPath}/tickets`,
          {
            subject: `[smoke ${runId}] post-deploy check, closes itself`,
            body: 'An automated post-deployment check of the PSA. It is closed within a minute; please ignore it.',
            priority: 'P4',
            channel: 'api',
            requester: { email: SIMULATOR, name: 'PSA smoke check' },
          },
          { 'idempotency-key': `smoke-${runId}` },
        );
        expectStatus(res, [200, 201], 'POST tickets');
        const ticket = res.body as { id?: string; number?: number };
        if (!ticket.id) throw new StepFailure('the created ticket has no id');
        ticketId = ticket.id;
        return `ticket #${ticket.number} (${ticket.id})`;
      },
    ],
    [
      'routed',
      async () => {
        const deadline = Date.now() + options.timeoutMs;
        for (;;) {
          const res = await call('GET', `${tenantPath}/tickets/${ticketId}`);
          expectStatus(res, [200], 'GET ticket');
          const ticket = res.body as { owner?: string | null; routing?: { rule?: string } | null };
          if (ticket.owner) {
            state.owner = ticket.owner;
            return `owner ${ticket.owner} by rule ${ticket.routing?.rule}`;
          }
          if (Date.now() > deadline)
            throw new StepFailure(
              `not routed within ${options.timeoutMs / 1000} s: check RouterOnTicketReceived and the bus (its failure queue, errors)`,
            );
          await new Promise((r) => setTimeout(r, 1000));
        }
      },
    ],
    [
      'queue',
      async () => {
        const res = await call('GET', `${tenantPath}/tickets?owner=${state.owner}&limit=100`);
        expectStatus(res, [200], 'GET tickets by owner');
        const items = (res.body as { items?: Array<Record<string, unknown>> }).items ?? [];
        const mine = items.find((t) => t.id === ticketId) as
          | { routing?: { rule?: string; reasons?: string[]; divisionOfWorkVersion?: number } }
          | undefined;
        if (!mine)
          throw new StepFailure(`ticket ${ticketId} is not among the ${state.owner} queue's tickets`);
        const routing = mine.routing;
        if (!routing?.rule || !routing.reasons?.length || !routing.divisionOfWorkVersion)
          throw new StepFailure(`ticket ${ticketId} lacks routing fields: ${JSON.stringify(routing)}`);
        return `on the ${state.owner} queue: ${routing.reasons[0]} (division of work v${routing.divisionOfWorkVersion})`;
      },
    ],
    [
      'report',
      async () => {
        const res = await call('GET', `${tenantPath}/reports/backlog`);
        expectStatus(res, [200], 'GET reports/backlog');
        return 'backlog report read';
      },
    ],
  ];

  const close = async () => {
    const res = await call('POST', `${tenantPath}/tickets/${ticketId}/status`, {
      status: 'closed',
      note: 'Post-deploy smoke check: closed by the check itself.',
    });
    expectStatus(res, [200], 'POST status closed');
    closed = true;
    return `ticket ${ticketId} closed`;
  };

  let failed: string | null = null;
  for (const [name, run] of steps) {
    if (!(await runStep(name, run, options.out))) {
      failed = name;
      break;
    }
  }
  if (ticketId && !closed && !(await runStep('cleanup', close, options.out))) failed ??= 'cleanup';
  options.out(failed ? `smoke: FAILED at step '${failed}'` : 'smoke: passed');
  return failed;
}

async function runStep(
  name: string,
  run: () => Promise<string>,
  out: (line: string) => void,
): Promise<boolean> {
  const started = Date.now();
  try {
    const detail = await run();
    out(`ok    ${name.padEnd(8)} ${detail} (${Date.now() - started} ms)`);
    return true;
  } catch (err) {
    const message =
      err instanceof StepFailure ? err.message : `${(err as Error).name}: ${(err as Error).message}`;
    out(`FAIL  ${name.padEnd(8)} ${message}`);
    return false;
  }
}

/** The `tenant` claim of a JWT, read without verifying it (the API verifies it). */
export function tenantOfToken(token: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const tenant = payload.tenant ?? payload['custom:tenant'];
    return typeof tenant === 'string' ? tenant : undefined;
  } catch {
    return undefined;
  }
}

const USAGE =
  'usage: npm run smoke -- --api URL --token TOKEN [--tenant ID] [--timeout SECONDS]\n' +
  '  URL: the services stack output ApiUrl; TOKEN: an internal IT user’s bearer token\n' +
  '  (the tenant defaults to the token’s tenant claim)\n';

export async function main(args: string[], out = (l: string) => process.stdout.write(`${l}\n`)) {
  const { values } = parseArgs({
    args,
    options: {
      api: { type: 'string' },
      token: { type: 'string' },
      tenant: { type: 'string' },
      timeout: { type: 'string', default: '60' },
    },
  });
  const timeout = Number(values.timeout);
  const tenant = values.tenant ?? (values.token ? tenantOfToken(values.token) : undefined);
  if (!values.api || !URL.canParse(values.api) || !values.token || !tenant || !(timeout > 0)) {
    process.stderr.write(USAGE);
    return 2;
  }
  const failed = await smoke({
    api: values.api,
    token: values.token,
    tenant,
    timeoutMs: timeout * 1000,
    out,
  });
  return failed ? 1 : 0;
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
