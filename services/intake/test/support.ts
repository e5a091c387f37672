import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoIdempotencyStore } from '@psa/aws/dynamo-idempotency-store';
import { DynamoMailStore } from '@psa/aws/dynamo-mail-store';
import { DynamoMessageStore } from '@psa/aws/dynamo-message-store';
import { DynamoOutboxStore } from '@psa/aws/dynamo-outbox';
import { DynamoSlaStore } from '@psa/aws/dynamo-sla-store';
import { DynamoTenantStore } from '@psa/aws/dynamo-tenant-store';
import { DynamoTicketStore } from '@psa/aws/dynamo-ticket-store';
import type { Role } from '@psa/http/auth';
import { ManualClock } from '@psa/model/clock';
import { DivisionOfWorkSchema } from '@psa/model/division-of-work';
import { defaultDivisionOfWork } from '@psa/model/division-of-work-default';
import type { BusEvent } from '@psa/model/events';
import type { BlobStore, EventBus } from '@psa/model/ports';
import type { Owner, Priority, Ticket } from '@psa/model/ticket';
import { startTestTable } from '@psa/testing/fixtures';
import { createTestIssuer } from '@psa/testing/tokens';
import { createIntakeApp, type IntakeDeps } from '../src/app.ts';

/** Tue 2026-06-16 10:00 in New York: an ordinary business hour. */
export const START = '2026-06-16T14:00:00.000Z';

const issuer = await createTestIssuer();

/** An in-memory bus that records what it published; `down` simulates an outage. */
export class RecordingBus implements EventBus {
  readonly published: BusEvent[] = [];
  down = false;
  async publish(events: BusEvent[]): Promise<void> {
    if (this.down) throw new Error('bus unavailable');
    this.published.push(...events);
  }
  ofType(detailType: string): BusEvent[] {
    return this.published.filter((e) => e.detailType === detailType);
  }
}

/** An in-memory blob store (raw mail and attachments; unused by the web API paths). */
export class MemoryBlobStore implements BlobStore {
  readonly blobs = new Map<string, Uint8Array>();
  async put(key: string, body: Uint8Array | string): Promise<void> {
    this.blobs.set(key, typeof body === 'string' ? new TextEncoder().encode(body) : body);
  }
  async get(key: string): Promise<Uint8Array | null> {
    return this.blobs.get(key) ?? null;
  }
}

export const silentLogger = () => new Logger({ serviceName: 'intake-test', logLevel: 'SILENT' });

export function token(claims: {
  tenant?: string;
  role: Role;
  email?: string;
  sub?: string;
  name?: string;
}): Promise<string> {
  return issuer.sign({ tenant: 'acme', ...claims });
}

/** A token signed with another key: well-formed, but not one this API trusts. */
export function foreignToken(): Promise<string> {
  return issuer.signForeign({ tenant: 'acme', role: 'internal' });
}

/** A token signed with the trusted key, but claiming another issuer. */
export function wrongIssuerToken(): Promise<string> {
  return issuer.sign({ tenant: 'acme', role: 'internal' }, { issuer: 'https://someone-else.test' });
}

export interface ApiResponse {
  status: number;
  contentType: string | null;
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies are read loosely in assertions.
  body: any;
}

/** A fresh table, tenant `acme` (and `globex`) with the default division of work, and the app. */
export async function startIntake() {
  const table = await startTestTable();
  const clock = new ManualClock(START);
  const now = () => clock.now();
  const tenants = new DynamoTenantStore(table.doc, table.tableName);
  await tenants.putDivisionOfWork(DivisionOfWorkSchema.parse(defaultDivisionOfWork()));
  await tenants.putDivisionOfWork(DivisionOfWorkSchema.parse(defaultDivisionOfWork('globex', 'Globex')));
  const bus = new RecordingBus();
  const deps: IntakeDeps = {
    tickets: new DynamoTicketStore(table.doc, table.tableName, now),
    tenants,
    outbox: new DynamoOutboxStore(table.doc, table.tableName),
    idempotency: new DynamoIdempotencyStore(table.doc, table.tableName),
    sla: new DynamoSlaStore(table.doc, table.tableName, now),
    messages: new DynamoMessageStore(table.doc, table.tableName),
    mail: new DynamoMailStore(table.doc, table.tableName),
    blobs: new MemoryBlobStore(),
    bus,
    clock,
    logger: silentLogger(),
    authenticate: issuer.authenticate,
  };
  const app = createIntakeApp(deps);

  async function call(
    method: string,
    path: string,
    opts: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.body !== undefined || opts.rawBody !== undefined) {
      headers['content-type'] = 'application/json';
      body = opts.rawBody ?? JSON.stringify(opts.body);
    }
    const res = await app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    return {
      status: res.status,
      contentType: res.headers.get('content-type'),
      body: text ? JSON.parse(text) : null,
    };
  }

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

  return { table, clock, deps, app, bus, call, allTickets, assignOwner, stop: () => table.stop() };
}

export type Intake = Awaited<ReturnType<typeof startIntake>>;
