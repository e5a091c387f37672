import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoTicketStore } from '@psa/aws/dynamo-ticket-store';
import type { Role } from '@psa/http/auth';
import type { DivisionOfWork, DivisionOfWorkInput } from '@psa/model/division-of-work';
import type { Priority, Ticket, TicketStatus } from '@psa/model/ticket';
import { testAuth } from '@psa/testing/auth';
import { BUSINESS_HOURS, type ManualClock } from '@psa/testing/clock';
import { divisionOfWork, divisionOfWorkInput } from '@psa/testing/division-of-work';
import { RecordingBus, RecordingQueue, silentLogger } from '@psa/testing/fakes';
import { ticketFixture } from '@psa/testing/fixtures';
import { type ApiRequest, type ApiResponse, requestApi } from '@psa/testing/http';
import { startTestStores } from '@psa/testing/stores';
import { createRouterApp } from '../src/app.ts';
import { routeTicket } from '../src/domain/route-ticket.ts';

/**
 * The router API in process over a fresh emulator-backed table (tenants `acme` and `globex` on
 * the shipped division of work), and a way to make real history: tickets created, routed by the
 * real router (its backlog count read from the open index) and resolved, in time order.
 */

const auth = await testAuth();

/** Tue 2026-06-16 10:00 New York. */
export const START = BUSINESS_HOURS;

/** A token this API trusts; a requester's carries pat@acme.example unless the claims name another. */
export const token = (claims: { role: Role; tenant?: string; email?: string }) =>
  auth.sign({ ...(claims.role === 'requester' ? { email: 'pat@acme.example' } : {}), ...claims });

/** The shipped default (tenant acme) with changes applied to a fresh copy, not parsed. */
export function defaultWith(change: (doc: DivisionOfWorkInput) => void = () => {}): DivisionOfWorkInput {
  return divisionOfWorkInput({ change });
}

/** A document as an editor sends it: without tenantId, version and effectiveFrom. */
export function draft(change: (doc: DivisionOfWorkInput) => void = () => {}): Record<string, unknown> {
  const { tenantId: _t, version: _v, effectiveFrom: _e, ...rest } = defaultWith(change);
  return rest;
}

export const workload = (doc: DivisionOfWorkInput, id: string) => {
  const w = doc.workloads.find((x) => x.id === id);
  if (!w) throw new Error(`no workload ${id}`);
  return w;
};

export async function startRouterApi(opts: { acme?: DivisionOfWork } = {}) {
  const stores = await startTestStores({
    at: START,
    divisionsOfWork: [opts.acme ?? divisionOfWork(), divisionOfWork({ tenantId: 'globex', name: 'Globex' })],
  });
  const { table, clock, tickets, tenants } = stores;
  const logger = silentLogger('router-test');
  const deps = {
    tenants,
    tickets,
    mail: stores.mail,
    models: stores.models,
    clock,
    logger,
    authenticate: auth.authenticate,
  };
  const app = createRouterApp(deps);
  const routeDeps = {
    tickets,
    tenants,
    clock,
    logger,
    queue: new RecordingQueue(),
    bus: new RecordingBus(),
    outbox: stores.outbox,
  };

  /** One request to the app; `yaml` sends a YAML body, as an editor may. */
  const call = (
    method: string,
    path: string,
    o: ApiRequest & { yaml?: string } = {},
  ): Promise<ApiResponse> => {
    const { yaml, ...req } = o;
    return requestApi(
      app,
      method,
      path,
      yaml === undefined ? req : { ...req, raw: { type: 'application/yaml', body: yaml } },
    );
  };

  /** Every item in the table: a use case that must not write leaves this unchanged. */
  async function itemCount(): Promise<number> {
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const out = await table.doc.send(
        new ScanCommand({ TableName: table.tableName, Select: 'COUNT', ExclusiveStartKey: start }),
      );
      count += out.Count ?? 0;
      start = out.LastEvaluatedKey;
    } while (start);
    return count;
  }

  return {
    table,
    clock,
    deps,
    app,
    call,
    itemCount,
    history: historyMaker(tickets, routeDeps, clock),
    stop: () => table.stop(),
  };
}

export type RouterApi = Awaited<ReturnType<typeof startRouterApi>>;

export interface Arrival {
  /** Label to find the ticket by in assertions. */
  name: string;
  at: string;
  subject: string;
  body?: string;
  requester?: string;
  priority?: Priority;
  /** When it was resolved, if it was (shorthand for a `later` step). */
  resolvedAt?: string;
  /** What happened to it afterwards: status changes and handoffs, at their instants. */
  later?: ({ at: string; status: TicketStatus } | { at: string; handoffTo: 'partner' | 'internal' })[];
}

/**
 * Plays arrivals, handoffs, reopenings and resolutions in time order against the real router, so
 * each routing decision sees the backlog the open index really held at that moment.
 */
function historyMaker(
  tickets: DynamoTicketStore,
  routeDeps: Parameters<typeof routeTicket>[1],
  clock: ManualClock,
) {
  let numbers = 0;
  return async function play(arrivals: Arrival[], tenantId = 'acme'): Promise<Map<string, Ticket>> {
    const ids = new Map<string, string>();
    type Step = { at: string; order: number; run: () => Promise<void> };
    const steps: Step[] = [];
    const change = (name: string, update: (t: Ticket, at: string) => Ticket) => async (at: string) => {
      const t = (await tickets.get(tenantId, ids.get(name)!))!;
      await tickets.update({ ...update(t, at), updatedAt: at, version: t.version + 1 }, []);
    };
    const status = (name: string, to: TicketStatus) =>
      change(name, (t, at) => ({
        ...t,
        status: to,
        resolvedAt: to === 'resolved' ? at : to === 'reopened' ? null : t.resolvedAt,
        history: [...t.history, { from: t.status, to, at, by: { role: 'internal' } }],
      }));
    for (const a of arrivals) {
      steps.push({
        at: a.at,
        order: 0,
        run: async () => {
          const number = 1000 + ++numbers;
          const id = `${a.name}-${number}`;
          ids.set(a.name, id);
          const t = ticketFixture({
            tenantId,
            id,
            number,
            key: `ACME-${number}`,
            subject: a.subject,
            body: a.body ?? a.subject,
            channel: 'web',
            requester: { email: a.requester ?? 'pat@acme.example' },
            requestedPriority: a.priority ?? null,
            receivedAt: a.at,
          });
          await tickets.create(t, []);
          await routeTicket({ tenantId, ticketId: id }, routeDeps);
        },
      });
      const later = [
        ...(a.resolvedAt ? [{ at: a.resolvedAt, status: 'resolved' as const }] : []),
        ...(a.later ?? []),
      ];
      for (const step of later) {
        const run =
          'status' in step
            ? () => status(a.name, step.status)(step.at)
            : () =>
                change(a.name, (t, at) => ({
                  ...t,
                  owner: step.handoffTo,
                  handoffs: [
                    ...t.handoffs,
                    {
                      from: t.owner!,
                      to: step.handoffTo,
                      reason: 'test handoff',
                      at,
                      by: { role: 'internal' },
                    },
                  ],
                }))(step.at);
        steps.push({ at: step.at, order: 1, run });
      }
    }
    // Changes at an instant happen before arrivals at it (the replay reads intervals half-open).
    steps.sort((x, y) => Date.parse(x.at) - Date.parse(y.at) || y.order - x.order);
    for (const s of steps) {
      clock.set(s.at);
      await s.run();
    }
    const out = new Map<string, Ticket>();
    for (const [name, id] of ids) out.set(name, (await tickets.get(tenantId, id))!);
    return out;
  };
}
