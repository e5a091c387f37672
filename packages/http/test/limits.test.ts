import { Logger } from '@aws-lambda-powertools/logger';
import { createRoute } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { Authenticator } from '../src/auth.ts';
import { createApiApp, DEFAULT_MAX_BODY_BYTES } from '../src/http.ts';
import { jsonNesting, MAX_HEADER_BYTES, MAX_JSON_DEPTH, valueNesting } from '../src/limits.ts';

const authenticate: Authenticator = async () => ({
  sub: 'it@acme.example',
  tenant: 'acme',
  role: 'internal',
});

function testApp() {
  const app = createApiApp({ authenticate, logger: new Logger({ serviceName: 't', logLevel: 'SILENT' }) });
  let read = 0;
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/tenants/{tenantId}/echo',
      request: {
        params: z.object({ tenantId: z.string() }),
        body: { content: { 'application/json': { schema: z.object({ value: z.unknown() }) } } },
      },
      responses: { 200: { description: 'the body' } },
    }),
    (c) => {
      read++;
      return c.json(c.req.valid('json'), 200);
    },
  );
  app.post('/v1/parse-in-use-case', () => {
    z.object({ when: z.iso.datetime() }).parse({ when: 'yesterday' });
    return new Response('unreachable');
  });
  return { app, reads: () => read };
}

const post = (app: ReturnType<typeof testApp>['app'], path: string, body: string, headers = {}) =>
  app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe('request limits', () => {
  it('answers 413 naming the limit for a body over it, whether or not Content-Length says so', async () => {
    const { app, reads } = testApp();
    const big = JSON.stringify({ value: 'x'.repeat(DEFAULT_MAX_BODY_BYTES) });
    for (const headers of [{}, { 'content-length': String(big.length) }]) {
      const res = await post(app, '/v1/tenants/acme/echo', big, headers);
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({
        error: {
          code: 'payload_too_large',
          message: expect.stringContaining(`at most ${DEFAULT_MAX_BODY_BYTES} bytes`),
        },
      });
    }
    expect(reads()).toBe(0);
  });

  it('answers 400 at body for JSON nested deeper than 32 levels, before anything parses it', async () => {
    const { app, reads } = testApp();
    const deep = (n: number): string => `{"value":${'['.repeat(n - 1)}${']'.repeat(n - 1)}}`;
    const ok = await post(app, '/v1/tenants/acme/echo', deep(MAX_JSON_DEPTH));
    expect(ok.status).toBe(200);
    for (const n of [MAX_JSON_DEPTH + 1, 100_000]) {
      const res = await post(app, '/v1/tenants/acme/echo', deep(n));
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        error: { issues: [{ path: 'body', message: 'nested deeper than 32 levels' }] },
      });
    }
    expect(reads()).toBe(1);
  });

  it('answers 431 when the headers are larger than API Gateway takes', async () => {
    const { app } = testApp();
    const res = await post(app, '/v1/tenants/acme/echo', '{"value":1}', {
      'x-padding': 'x'.repeat(MAX_HEADER_BYTES),
    });
    expect(res.status).toBe(431);
    expect(await res.json()).toMatchObject({ error: { code: 'header_fields_too_large' } });
  });

  it('answers 404 to a token of another tenant before reading the body', async () => {
    const { app, reads } = testApp();
    const res = await post(app, '/v1/tenants/globex/echo', 'not json at all');
    expect(res.status).toBe(404);
    expect(reads()).toBe(0);
  });

  it('answers a schema parse that fails inside a use case with 400, not 500', async () => {
    const { app } = testApp();
    const res = await app.request('/v1/parse-in-use-case', { method: 'POST' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { code: 'validation_error', issues: [{ path: 'input.when', message: expect.any(String) }] },
    });
  });
});

describe('nesting', () => {
  it('counts brackets outside strings only, without recursion', () => {
    expect(jsonNesting('{"a":"[[[[","b":[{"c":"\\"]]"}]}')).toBe(3);
    expect(jsonNesting('['.repeat(1_000_000))).toBe(1_000_000);
    expect(jsonNesting('['.repeat(1_000_000), 32)).toBe(33);
  });

  it('measures a parsed value the same way', () => {
    expect(valueNesting({ a: [{ b: 1 }] })).toBe(3);
    expect(valueNesting('text')).toBe(0);
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(valueNesting(deep, 32)).toBe(33);
  });
});
