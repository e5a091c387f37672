import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smoke, tenantOfToken } from '../scripts/smoke.ts';

/**
 * The smoke check's own behaviour against an API that never routes (test/smoke.test.ts runs it
 * against the real local stack): it fails at `routed`, and still closes the ticket it opened.
 */
const calls: string[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    calls.push(`${req.method} ${req.url}`);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/openapi.json')
      return json(200, {
        openapi: '3.1.0',
        paths: Object.fromEntries(
          ['', '/{id}', '/{id}/status']
            .map((p) => [`/v1/tenants/{tenantId}/tickets${p}`, {}])
            .concat([['/v1/tenants/{tenantId}/reports/backlog', {}]]),
        ),
      });
    if (req.method === 'POST' && req.url === '/v1/tenants/acme/tickets')
      return json(201, { id: 't1', number: 7 });
    if (req.method === 'POST' && req.url === '/v1/tenants/acme/tickets/t1/status')
      return json(200, { status: 'closed' });
    if (req.url === '/v1/tenants/acme/tickets/t1') return json(200, { id: 't1', owner: null, routing: null });
    if (req.url?.startsWith('/v1/tenants/acme/tickets?')) return json(200, { items: [], nextCursor: null });
    return json(404, {});
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('the smoke check', () => {
  it('fails at routed when the ticket is never routed, and closes the ticket it opened anyway', async () => {
    const lines: string[] = [];
    const failed = await smoke({
      api: `${base}/`,
      token: 'x.y.z',
      tenant: 'acme',
      timeoutMs: 1500,
      out: (l) => lines.push(l),
    });
    expect(failed).toBe('routed');
    expect(lines.map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual([
      'ok health',
      'ok openapi',
      'ok submit',
      'FAIL routed',
      'ok cleanup',
      'smoke: FAILED',
    ]);
    expect(lines[3]).toContain('not routed within 1.5 s');
    expect(calls).toContain('POST /v1/tenants/acme/tickets/t1/status');
    expect(calls).not.toContain('GET /v1/tenants/acme/reports/backlog');
  });

  it('reads the tenant from the token’s claims', () => {
    const token = (claims: object) => `h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.s`;
    expect(tenantOfToken(token({ tenant: 'acme', role: 'internal' }))).toBe('acme');
    expect(tenantOfToken(token({ 'custom:tenant': 'globex' }))).toBe('globex');
    expect(tenantOfToken(token({ sub: 'x' }))).toBeUndefined();
    expect(tenantOfToken('not-a-jwt')).toBeUndefined();
  });
});
