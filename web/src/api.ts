/**
 * The public HTTP API as the web app uses it: the same routes, JSON and bearer tokens as any
 * script (DESIGN.md "The web app is a client of the API"), on the same origin.
 */

export type TicketStatus =
  | 'new'
  | 'acknowledged'
  | 'in_progress'
  | 'waiting_on_customer'
  | 'resolved'
  | 'closed'
  | 'reopened';

/** The fields of a ticket the portal shows. */
export interface Ticket {
  id: string;
  key: string;
  subject: string;
  status: TicketStatus;
  owner: 'partner' | 'internal' | 'triage' | null;
  receivedAt: string;
  updatedAt: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Api {
  submitTicket(input: { subject: string; body: string }, idempotencyKey: string): Promise<Ticket>;
  listTickets(limit?: number): Promise<Ticket[]>;
}

export function createApi(tenant: string, accessToken: string): Api {
  const base = `/v1/tenants/${encodeURIComponent(tenant)}`;
  async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        accept: 'application/json',
        authorization: `Bearer ${accessToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const data = (await res.json().catch(() => null)) as
      | (T & { error?: { code?: string; message?: string; issues?: { message: string }[] } })
      | null;
    if (!res.ok) {
      const error = data?.error;
      const detail = error?.issues?.map((i) => i.message).join('; ') || error?.message;
      throw new ApiError(res.status, error?.code ?? 'error', detail ?? `the server answered ${res.status}`);
    }
    return data as T;
  }
  return {
    submitTicket: (input, idempotencyKey) =>
      call<Ticket>('POST', '/tickets', { ...input, channel: 'web' }, { 'idempotency-key': idempotencyKey }),
    listTickets: async (limit = 20) =>
      (await call<{ items: Ticket[] }>('GET', `/tickets?limit=${limit}`)).items,
  };
}
