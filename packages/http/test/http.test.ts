import { Logger } from '@aws-lambda-powertools/logger';
import { createRoute } from '@hono/zod-openapi';
import { handle } from 'hono/aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import type { Authenticator } from '../src/auth.ts';
import { createApiApp } from '../src/http.ts';

const authenticate: Authenticator = async () => ({
  sub: 'it@acme.example',
  tenant: 'acme',
  role: 'internal',
});

function testApp() {
  const logger = new Logger({ serviceName: 'http-test', logLevel: 'SILENT' });
  const logged = vi.spyOn(logger, 'error');
  const app = createApiApp({ authenticate, logger });
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/echo',
      request: { body: { content: { 'application/json': { schema: z.object({ name: z.string() }) } } } },
      responses: { 200: { description: 'the body' } },
    }),
    (c) => c.json(c.req.valid('json'), 200),
  );
  app.get('/v1/broken', () => {
    // A bug in our own code that happens to be a SyntaxError (here: parsing stored text).
    return Response.json(JSON.parse('{"stored": '));
  });
  app.get('/v1/parsed', (c) => {
    // A use case parsing what it was given with its own schema (not the route's validator).
    const input = z.object({ limit: z.number().int().min(1) }).parse({ limit: 0 });
    return c.json(input, 200);
  });
  return { app, logged };
}

/** An API Gateway HTTP API (payload 2.0) event, as Lambda receives it. */
function apiGatewayEvent(method: string, path: string, requestId: string, body?: string) {
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', authorization: 'Bearer t' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
      requestId,
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: '03/Nov/2026:15:00:00 +0000',
      timeEpoch: 1_793_718_000_000,
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
  };
}

const lambdaContext = { awsRequestId: 'lambda-request', functionName: 'IntakeApi' };

describe('the API error body', () => {
  it("carries API Gateway's request id, and logs the error with it, so a 500 is found in the access log", async () => {
    const { app, logged } = testApp();
    const invoke = handle(app) as (
      event: unknown,
      context: unknown,
    ) => Promise<{ statusCode: number; body: string }>;
    const result = await invoke(apiGatewayEvent('GET', '/v1/broken', 'Ab1cDEFGhIjKLmN='), lambdaContext);
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toEqual({
      error: { code: 'internal_error', message: 'internal error', requestId: 'Ab1cDEFGhIjKLmN=' },
    });
    expect(logged).toHaveBeenCalledWith(
      'unhandled error',
      expect.objectContaining({ requestId: 'Ab1cDEFGhIjKLmN=' }),
    );
  });

  it('generates a request id when there is no API Gateway event (the local server), and ignores one a client sends', async () => {
    const { app } = testApp();
    const res = await app.request('/v1/broken', { headers: { 'x-request-id': 'chosen-by-the-client' } });
    const body = (await res.json()) as { error: { requestId: string } };
    expect(body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-request-id')).toBe(body.error.requestId);
  });

  it('answers a SyntaxError thrown by our own code with a generic 500, not "body is not valid JSON"', async () => {
    const { app, logged } = testApp();
    const res = await app.request('/v1/broken');
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      error: { code: 'internal_error', message: 'internal error', requestId: expect.any(String) },
    });
    expect(logged).toHaveBeenCalledWith(
      'unhandled error',
      expect.objectContaining({ error: expect.any(SyntaxError) }),
    );
  });

  it('answers a request body that is not JSON with 400 "body is not valid JSON" at body', async () => {
    const { app, logged } = testApp();
    const invoke = handle(app) as (
      event: unknown,
      context: unknown,
    ) => Promise<{ statusCode: number; body: string }>;
    const result = await invoke(apiGatewayEvent('POST', '/v1/echo', 'req-2', '{"name": '), lambdaContext);
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toEqual({
      error: {
        code: 'validation_error',
        message: 'body is not valid JSON',
        issues: [{ path: 'body', message: 'Malformed JSON in request body' }],
        requestId: 'req-2',
      },
    });
    expect(logged).not.toHaveBeenCalled();
  });

  it("answers a use case's own schema parse failure with 400 naming the field, logged as a warning", async () => {
    const { app, logged } = testApp();
    const res = await app.request('/v1/parsed');
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      error: { code: string; issues: { path: string; message: string }[] };
    };
    expect(body.error.code).toBe('validation_error');
    expect(body.error.issues).toEqual([{ path: 'input.limit', message: expect.stringContaining('>=1') }]);
    expect(logged).not.toHaveBeenCalled();
  });

  it('still reads a valid body', async () => {
    const { app } = testApp();
    const res = await app.request('/v1/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Alice' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: 'Alice' });
  });
});
