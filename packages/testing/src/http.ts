/** What an in-process API test reads from a response: JSON bodies are parsed, loosely typed. */
export interface ApiResponse {
  status: number;
  headers: Headers;
  contentType: string | null;
  text: string;
  /** The parsed JSON body; null when the body is empty or not JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies are read loosely in assertions.
  body: any;
}

export interface ApiRequest {
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** A JSON body. */
  json?: unknown;
  /** Any other body, with its content type (YAML, malformed JSON). */
  raw?: { type: string; body: string };
  headers?: Record<string, string>;
}

/**
 * One request to a Hono app in process (`app.request`, no server), as a client would send it.
 * See https://hono.dev/docs/api/hono#request.
 */
export async function requestApi(
  app: { request: (path: string, init: RequestInit) => Response | Promise<Response> },
  method: string,
  path: string,
  req: ApiRequest = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...req.headers };
  if (req.token) headers.authorization = `Bearer ${req.token}`;
  let body: string | undefined;
  if (req.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(req.json);
  } else if (req.raw) {
    headers['content-type'] = req.raw.type;
    body = req.raw.body;
  }
  const res = await app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  return {
    status: res.status,
    headers: res.headers,
    contentType: res.headers.get('content-type'),
    text,
    body: parsed,
  };
}
