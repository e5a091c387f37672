import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { webSecurityHeaders } from '@psa/contracts/web-headers';
import { HTTP_ROUTES } from '@psa/contracts/wiring';
import { drainable } from './http-drain.ts';
import type { LocalSignIn } from './oidc/sign-in.ts';
import { webAssets } from './web-assets.ts';

/** A function's Hono app, as its handler module exports it. */
export interface FetchApp {
  fetch: (req: Request, env?: unknown) => Response | Promise<Response>;
}

/**
 * The local stand-in for CloudFront and the HTTP API on one origin: the API under /v1 (and its
 * OpenAPI document) routed to the function that serves each route, as API Gateway does; the
 * OpenID provider under /oidc; the built web app everywhere else. Every response carries the
 * same security headers as the CloudFront distribution (`@psa/contracts/web-headers`).
 */
export interface Gateway {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** Route API requests to the functions' apps (until then the API answers 503). */
  mountApi(appFor: (functionId: string) => FetchApp | undefined): void;
  /** Serve `/_local/clock` (PSA_CLOCK_CONTROL): the local clock, moved forward on request. */
  mountClock(handler: (req: Request) => Promise<Response>): void;
  /** Serve the OpenID provider under /oidc and the web app's `/config.json`. */
  mountSignIn(signIn: LocalSignIn): void;
  /**
   * Graceful stop: no new request is answered (503 with `Connection: close`), idle keep-alive
   * connections close, requests in flight may finish until `deadline` (epoch ms). Resolves with
   * how many requests were cut at the deadline.
   */
  drain(deadline: number): Promise<number>;
}

/** An id shaped like the HTTP API's `$context.requestId` (e.g. `Ab1CdEfGhIAMEbQ=`). */
const apiGatewayRequestId = () => Buffer.from(crypto.getRandomValues(new Uint8Array(10))).toString('base64');

const json = (status: number, code: string, message: string) =>
  Response.json({ error: { code, message } }, { status });

const isApiPath = (path: string) =>
  path === '/openapi.json' || path === '/v1' || path.startsWith('/v1/') || path.startsWith('/public/');
const isOidcPath = (path: string) => path === '/oidc' || path.startsWith('/oidc/');

export async function startGateway(opts: { port: number; webRoot: string }): Promise<Gateway> {
  const routes = HTTP_ROUTES.map((r) => ({
    ...r,
    regex: new RegExp(`^${r.path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  }));
  let appFor: ((functionId: string) => FetchApp | undefined) | undefined;
  let signIn: LocalSignIn | undefined;
  let clock: ((req: Request) => Promise<Response>) | undefined;
  const assets = webAssets(opts.webRoot);

  const fetchHandler = (req: Request): Response | Promise<Response> => {
    const url = new URL(req.url);
    if (url.pathname === '/_local/clock' && clock) return clock(req);
    if (isApiPath(url.pathname)) {
      if (!appFor) return json(503, 'starting', 'the API is starting');
      // What API Gateway does: pick the integration by route, then hand the request to that app.
      const route = routes.find((r) => r.method === req.method && r.regex.test(url.pathname));
      const app = route && appFor(route.functionId);
      if (!app) return json(404, 'not_found', `no route ${req.method} ${url.pathname}`);
      // With a request id of API Gateway's shape, as the integration's event carries it.
      return app.fetch(req, { event: { requestContext: { requestId: apiGatewayRequestId() } } });
    }
    if (url.pathname === '/config.json') {
      if (!signIn) return json(503, 'starting', 'sign-in is starting');
      return Response.json(signIn.webConfig, { headers: { 'cache-control': 'no-cache' } });
    }
    return assets(req);
  };
  const honoListener = getRequestListener(fetchHandler);
  const headers = Object.entries(webSecurityHeaders());

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    if (stopping.draining) {
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '5', connection: 'close' });
      res.end(JSON.stringify({ error: { code: 'unavailable', message: 'the local runtime is stopping' } }));
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (isOidcPath(url.pathname)) {
      if (!signIn) {
        res.writeHead(503, { 'content-type': 'text/plain' }).end('sign-in is starting');
        return;
      }
      signIn.handle(req, res, url).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('sign-in failed');
        console.error('[psa] sign-in request failed', err);
      });
      return;
    }
    void honoListener(req, res);
  });
  const stopping = drainable(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    mountApi(fn) {
      appFor = fn;
    },
    mountClock(handler) {
      clock = handler;
    },
    mountSignIn(s) {
      signIn = s;
    },
    drain: (deadline) => stopping.drain(deadline),
  };
}
