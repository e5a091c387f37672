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

export interface Attachment {
  id: string;
  name: string;
  size: number;
  stored: boolean;
}

/** A message of a ticket's conversation, as the API lets the caller read it. */
export interface Message {
  id: string;
  kind: string;
  direction: 'inbound' | 'outbound';
  from: { email: string; name?: string } | null;
  receivedAt: string;
  text: string;
  attachments: Attachment[];
  visibility?: 'public' | 'internal' | 'shared' | null;
}

/** The fields of a ticket the portal shows. */
export interface Ticket {
  id: string;
  key: string;
  subject: string;
  status: TicketStatus;
  owner: 'partner' | 'internal' | 'triage' | null;
  receivedAt: string;
  updatedAt: string;
  messages: Message[];
}

/** A file to send: base64 in the JSON body, as the API takes it. */
export interface Upload {
  name: string;
  contentType: string;
  content: string;
}

export type Rating = 'good' | 'okay' | 'bad';

/** Reads files chosen in a file input as uploads. */
export async function toUploads(files: readonly File[]): Promise<Upload[]> {
  return Promise.all(
    files.map(async (f) => {
      const bytes = new Uint8Array(await f.arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) {
        binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      }
      return { name: f.name, contentType: f.type || 'application/octet-stream', content: btoa(binary) };
    }),
  );
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
  submitTicket(
    input: { subject: string; body: string; attachments?: Upload[] },
    idempotencyKey: string,
  ): Promise<Ticket>;
  listTickets(limit?: number): Promise<Ticket[]>;
  reply(ticketId: string, input: { text: string; attachments?: Upload[] }): Promise<Message>;
  /** The download of an attachment, as a blob (the token goes in a header, never a URL). */
  attachment(ticketId: string, attachmentId: string): Promise<Blob>;
  /**
   * Any other route of the tenant's API (`path` after `/v1/tenants/{tenant}`), JSON in and out;
   * a failure is an ApiError with the server's code and message.
   */
  request<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
  /** Any route's raw response body (CSV, files), with the token in a header. */
  download(path: string): Promise<Blob>;
  /**
   * A GET for polling: sends the ETag of the copy held as If-None-Match; null when the server
   * answers 304 (nothing changed), else the body and its new ETag.
   */
  poll<T>(path: string, etag: string | null): Promise<{ data: T; etag: string | null } | null>;
  /** Like `download`, with the filename the server gives in Content-Disposition (null if none). */
  downloadFile(path: string): Promise<{ blob: Blob; filename: string | null }>;
}

async function failure(res: Response): Promise<ApiError> {
  const data = (await res.json().catch(() => null)) as {
    error?: { code?: string; message?: string; issues?: { message: string }[] };
  } | null;
  const error = data?.error;
  const detail = error?.issues?.map((i) => i.message).join('; ') || error?.message;
  return new ApiError(res.status, error?.code ?? 'error', detail ?? `the server answered ${res.status}`);
}

/**
 * The public rating endpoint a resolution mail's link leads to: no sign-in, the link's
 * single-use token in the path.
 */
export async function rateTicket(token: string, rating: Rating): Promise<{ key: string }> {
  const res = await fetch(`/public/ratings/${encodeURIComponent(token)}`, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ rating }),
  });
  if (!res.ok) throw await failure(res);
  return (await res.json()) as { key: string };
}

export async function commentOnRating(token: string, comment: string): Promise<void> {
  const res = await fetch(`/public/ratings/${encodeURIComponent(token)}/comment`, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ comment }),
  });
  if (!res.ok) throw await failure(res);
}

/** `accessToken` is read on every call: the sign-in renews it in the background. */
export function createApi(tenant: string, accessToken: () => string): Api {
  const base = `/v1/tenants/${encodeURIComponent(tenant)}`;
  async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        accept: 'application/json',
        authorization: `Bearer ${accessToken()}`,
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
    reply: (ticketId, input) =>
      call<Message>('POST', `/tickets/${encodeURIComponent(ticketId)}/messages`, {
        visibility: 'public',
        ...input,
      }),
    attachment: async (ticketId, attachmentId) => {
      const res = await fetch(
        `${base}/tickets/${encodeURIComponent(ticketId)}/attachments/${encodeURIComponent(attachmentId)}`,
        { headers: { authorization: `Bearer ${accessToken()}` } },
      );
      if (!res.ok) throw await failure(res);
      return res.blob();
    },
    request: call,
    poll: async <T>(path: string, etag: string | null) => {
      const res = await fetch(`${base}${path}`, {
        cache: 'no-store',
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${accessToken()}`,
          ...(etag ? { 'if-none-match': etag } : {}),
        },
      });
      if (res.status === 304) return null;
      if (!res.ok) throw await failure(res);
      return { data: (await res.json()) as T, etag: res.headers.get('etag') };
    },
    download: async (path) => {
      const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${accessToken()}` } });
      if (!res.ok) throw await failure(res);
      return res.blob();
    },
    downloadFile: async (path) => {
      const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${accessToken()}` } });
      if (!res.ok) throw await failure(res);
      const disposition = res.headers.get('content-disposition') ?? '';
      const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? null;
      return { blob: await res.blob(), filename };
    },
  };
}
