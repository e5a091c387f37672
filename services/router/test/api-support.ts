import { Logger } from '@aws-lambda-powertools/logger';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoMailStore } from '@psa/aws/dynamo-mail-store';
import { DynamoModelStore } from '@psa/aws/dynamo-model-store';
import { DynamoOutboxStore } from '@psa/aws/dynamo-outbox';
import { DynamoTenantStore } from '@psa/aws/dynamo-tenant-store';
import { DynamoTicketStore } from '@psa/aws/dynamo-ticket-store';
import type { Role } from '@psa/http/auth';
import { ManualClock } from '@psa/model/clock';
import {
  type DivisionOfWork,
  type DivisionOfWorkInput,
  DivisionOfWorkSchema,
} from '@psa/model/division-of-work';
import { defaultDivisionOfWork } from '@psa/model/division-of-work-default';
import type { BusEvent } from '@psa/model/events';
import type { EventBus, Queue, QueueMessage, QueueName } from '@psa/model/ports';
import type { Priority, Ticket, TicketStatus } from '@psa/model/ticket';
import { startTestTable } from '@psa/testing/fixtures';
import { createTestIssuer } from '@psa/testing/tokens';
import { createRouterApp } from '../src/app.ts';
import { routeTicket } from '../src/domain/route-ticket.ts';

/**
 * The router API in process over a fresh emulator-backed table (tenants `acme` and `globex` on
 * the shipped division of work), and a way to make real history: tickets created, routed by the
 * real router (its backlog count read from the open index) and resolved, in time order.
 */

const issuer = await createTestIssuer();

/** Tue 2026-06-16 10:00 New York. */
export const START = '2026-06-16T14:00:00.000Z';

export const token = (claims: { role: Role; tenant?: string; email?: string }) =>
  issuer.sign({
    tenant: 'acme',
    ...(claims.role === 'requester' ? { email: 'pat@acme.example' } : {}),
    ...claims,
  });

class NullQueue implements Queue {
  readonly sent: { queue: QueueName; message: QueueMessage }[] = [];
  async send(queue: QueueName, message: QueueMessage): Promise<void> {
    this.sent.push({ queue, message });
  }
}
class NullBus implements EventBus {
  readonly published: BusEvent[] = [];
  async publish(events: BusEvent[]): Promise<void> {
    this.published.push(...events);
  }
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies are read loosely in assertions.
  body: any;
}

/** The shipped default with changes applied to a parsed copy (tenant acme). */
export function defaultWith(change: (doc: DivisionOfWorkInput) => void = () => {}): DivisionOfWorkInput {
  const doc = defaultDivisionOfWork();
  change(doc);
  return doc;
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
  const table = await startTestTable();
  const clock = new ManualClock(START);
  const now = () => clock.now();
  const tenants = new DynamoTenantStore(table.doc, table.tableName);
  await tenants.putDivisionOfWork(opts.acme ?? DivisionOfWorkSchema.parse(defaultDivisionOfWork()));
  await tenants.putDivisionOfWork(DivisionOfWorkSchema.parse(defaultDivisionOfWork('globex', 'Globex')));
  const tickets = new DynamoTicketStore(table.doc, table.tableName, now);
  const logger = new Logger({ serviceName: 'router-test', logLevel: 'SILENT' });
  const deps = {
    tenants,
    tickets,
    mail: new DynamoMailStore(table.doc, table.tableName),
    models: new DynamoModelStore(table.doc, table.tableName),
    clock,
    logger,
    authenticate: issuer.authenticate,
  };
  const app = createRouterApp(deps);
  const queue = new NullQueue();
  const routeDeps = {
    tickets,
    tenants,
    clock,
    logger,
    queue,
    bus: new NullBus(),
    outbox: new DynamoOutboxStore(table.doc, table.tableName),
  };

  async function call(
    method: string,
    path: string,
    o: {
      token?: string;
      json?: unknown;
      yaml?: string;
      raw?: { type: string; body: string };
      headers?: Record<string, string>;
    } = {},
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let body: string | undefined;
    if (o.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(o.json);
    } else if (o.yaml !== undefined) {
      headers['content-type'] = 'application/yaml';
      body = o.yaml;
    } else if (o.raw) {
      headers['content-type'] = o.raw.type;
      body = o.raw.body;
    }
    const res = await app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    return { status: res.status, headers: res.headers, text, body: parsed };
  }

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
          const t: Ticket = {
            tenantId,
            id,
            number,
            key: `ACME-${number}`,
            subject: a.subject,
            body: a.body ?? a.subject,
            channel: 'web',
            requester: { email: a.requester ?? 'pat@acme.example' },
            requestedPriority: a.priority ?? null,
            status: 'new',
            owner: null,
            workload: null,
            priority: null,
            afterHours: null,
            routing: null,
            handleMinutes: null,
            receivedAt: a.at,
            updatedAt: a.at,
            firstRespondedAt: null,
            resolvedAt: null,
            history: [],
            replyTo: null,
            handoffs: [],
            occurrences: 1,
            version: 1,
          };
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
