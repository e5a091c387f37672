import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoveredJwks, jwtAuthenticator } from '@psa/http/auth';
import { type DivisionOfWork, DivisionOfWorkSchema } from '@psa/model/division-of-work';
import { defaultDivisionOfWork } from '@psa/model/division-of-work-default';
import type { TenantStore } from '@psa/model/ports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as tokenCli } from '../src/cli/token.ts';
import { writeEndpoints } from '../src/endpoints.ts';
import { type Gateway, startGateway } from '../src/gateway.ts';
import { API_AUDIENCE, WEB_CLIENT_ID } from '../src/oidc/provider.ts';
import { startLocalSignIn } from '../src/oidc/sign-in.ts';

/**
 * The local OpenID provider on the gateway, driven over HTTP the way a browser drives it (no
 * browser: test/browser does that): authorization code + PKCE, the Email page, the token.
 */

/** Only what the provider reads: the tenants and their current division of work. */
class DocumentTenants implements Pick<TenantStore, 'listTenants' | 'getDivisionOfWork'> {
  readonly docs: Map<string, DivisionOfWork>;
  constructor(docs: Map<string, DivisionOfWork>) {
    this.docs = docs;
  }
  async listTenants() {
    return [...this.docs.keys()];
  }
  async getDivisionOfWork(tenantId: string) {
    return this.docs.get(tenantId) ?? null;
  }
}

let dataDir: string;
let gateway: Gateway;
let issuer: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'psa-sign-in-'));
  const webRoot = join(dataDir, 'web');
  await mkdir(webRoot);
  await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>app</title>');
  gateway = await startGateway({ port: 0, webRoot });
  const tenants = new DocumentTenants(
    new Map([
      ['globex', DivisionOfWorkSchema.parse(defaultDivisionOfWork('globex', 'Globex'))],
      ['acme', DivisionOfWorkSchema.parse(defaultDivisionOfWork())],
    ]),
  ) as unknown as TenantStore;
  const signIn = await startLocalSignIn({ origin: gateway.origin, dataDir, tenants, log: () => {} });
  gateway.mountSignIn(signIn);
  issuer = signIn.issuer;
});

afterAll(async () => {
  await gateway?.drain(Date.now());
  await rm(dataDir, { recursive: true, force: true });
});

/** A browser's cookie jar, reduced to what these requests need. */
class Browser {
  readonly cookies = new Map<string, string>();
  readonly setCookies: string[] = [];
  async go(url: string, init: RequestInit = {}) {
    const res = await fetch(new URL(url, gateway.origin), {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: this.cookieHeader() },
    });
    for (const c of res.headers.getSetCookie()) {
      this.setCookies.push(c);
      const [pair] = c.split(';');
      const [name, value] = pair!.split('=');
      if (value) this.cookies.set(name!, value);
      else this.cookies.delete(name!);
    }
    return res;
  }
  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

const redirectUri = () => `${gateway.origin}/auth/callback`;

async function authorize(browser: Browser, params: Record<string, string>) {
  const query = new URLSearchParams({
    client_id: WEB_CLIENT_ID,
    response_type: 'code',
    redirect_uri: redirectUri(),
    scope: 'openid email psa',
    state: 'st-1',
    ...params,
  });
  return browser.go(`/oidc/auth?${query}`);
}

/** Signs in as `email` up to the callback; returns the callback URL or the refusal page. */
async function signIn(email: string, challenge: string) {
  const browser = new Browser();
  const start = await authorize(browser, { code_challenge: challenge, code_challenge_method: 'S256' });
  expect(start.status).toBe(303);
  const interaction = start.headers.get('location')!;
  expect(interaction).toMatch(/^\/oidc\/interaction\/[\w-]+$/);
  const page = await browser.go(interaction);
  const html = await page.text();
  const posted = await browser.go(`${interaction}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email }).toString(),
  });
  if (posted.status !== 303) return { browser, page, html, refused: posted, callback: null };
  let next = posted.headers.get('location')!;
  while (!next.startsWith(redirectUri())) {
    const res = await browser.go(next);
    const location = res.headers.get('location');
    if (!location) throw new Error(`${next} answered ${res.status}: ${await res.text()}`);
    next = location;
  }
  return { browser, page, html, refused: null, callback: new URL(next) };
}

async function redeem(code: string, verifier: string) {
  const res = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri(),
      client_id: WEB_CLIENT_ID,
      code_verifier: verifier,
    }).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

const verifier = () => jwtAuthenticator(discoveredJwks(issuer), issuer, API_AUDIENCE);

describe('the local OpenID provider', () => {
  it('publishes its discovery document at the issuer, same origin as the API', async () => {
    const doc = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(doc).toMatchObject({
      issuer: `${gateway.origin}/oidc`,
      authorization_endpoint: `${gateway.origin}/oidc/auth`,
      token_endpoint: `${gateway.origin}/oidc/token`,
      jwks_uri: `${gateway.origin}/oidc/jwks`,
      code_challenge_methods_supported: ['S256'],
    });
  });

  it.each([
    ['it-lead@acme.example', 'internal'],
    ['dispatch@msp.example', 'partner'],
    ['coo@acme.example', 'leadership'],
    ['alice@acme.example', 'requester'],
  ])('signs in %s by email alone, with the role %s the tenant assigns', async (email, role) => {
    const { verifier: v, challenge } = pkce();
    const { html, callback } = await signIn(email, challenge);
    expect(html).toContain('<label for="email">Email</label>');
    expect(html).toContain('<button type="submit">Sign in</button>');
    expect(callback?.searchParams.get('state')).toBe('st-1');
    const tokens = await redeem(callback!.searchParams.get('code')!, v);
    expect(tokens.status).toBe(200);
    const principal = await verifier()(tokens.body.access_token);
    expect(principal).toMatchObject({ tenant: 'acme', role, email });
    const idClaims = JSON.parse(Buffer.from(tokens.body.id_token!.split('.')[1]!, 'base64url').toString());
    expect(idClaims).toMatchObject({ tenant: 'acme', role, email });
  });

  it('renews the access token with a refresh token, rotating it: a used refresh token is refused', async () => {
    const { verifier: v, challenge } = pkce();
    const { callback } = await signIn('it-lead@acme.example', challenge);
    const tokens = await redeem(callback!.searchParams.get('code')!, v);
    expect(tokens.body.refresh_token).toBeTruthy();
    const refresh = (token: string) =>
      fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: token,
          client_id: WEB_CLIENT_ID,
        }),
      }).then(async (res) => ({ status: res.status, body: (await res.json()) as Record<string, string> }));

    const renewed = await refresh(tokens.body.refresh_token!);
    expect(renewed.status).toBe(200);
    expect(renewed.body.access_token).not.toBe(tokens.body.access_token);
    expect(await verifier()(renewed.body.access_token!)).toMatchObject({
      tenant: 'acme',
      role: 'internal',
      email: 'it-lead@acme.example',
    });
    expect(renewed.body.refresh_token).toBeTruthy();
    expect(renewed.body.refresh_token).not.toBe(tokens.body.refresh_token);
    const replayed = await refresh(tokens.body.refresh_token!);
    expect(replayed).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('refuses an address no tenant knows, with a clear message and no session', async () => {
    const { challenge } = pkce();
    const { refused, browser } = await signIn('mallory@evil.example', challenge);
    expect(refused?.status).toBe(403);
    const html = await refused!.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain('mallory@evil.example is not known here');
    expect(browser.cookies.has('_session')).toBe(false);
  });

  it('requires PKCE: an authorization request without a code challenge is refused', async () => {
    const res = await authorize(new Browser(), {});
    const location = new URL(res.headers.get('location')!, gateway.origin);
    expect(location.origin + location.pathname).toBe(redirectUri());
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('refuses a code redeemed with the wrong verifier', async () => {
    const { challenge } = pkce();
    const { callback } = await signIn('alice@acme.example', challenge);
    const tokens = await redeem(callback!.searchParams.get('code')!, pkce().verifier);
    expect(tokens.body.error).toBe('invalid_grant');
  });

  it('sets only HttpOnly, SameSite=Lax cookies (not Secure: this origin is plain http)', async () => {
    const { challenge } = pkce();
    const { browser } = await signIn('alice@acme.example', challenge);
    expect(browser.setCookies.length).toBeGreaterThan(0);
    for (const cookie of browser.setCookies) {
      expect(cookie).toMatch(/; httponly/i);
      expect(cookie).toMatch(/; samesite=lax/i);
      expect(cookie).not.toMatch(/; secure/i);
    }
  });

  it('signs `psa token` tokens with the same key, so they verify against the same JWKS', async () => {
    await writeEndpoints(dataDir, {
      http: gateway.origin,
      web: `${gateway.origin}/`,
      issuer,
      smtp: null,
      dynamodb: 'x',
      sqs: 'x',
      s3: 'x',
      eventbridge: 'x',
      queues: { partner: 'x', internal: 'x', triage: 'x' },
      table: 'x',
      bucket: 'x',
    });
    let printed = '';
    const code = await tokenCli(
      ['--tenant', 'acme', '--role', 'internal', '--email', 'it-lead@acme.example', '--data-dir', dataDir],
      (line) => {
        printed = line;
      },
    );
    expect(code).toBe(0);
    await expect(verifier()(printed)).resolves.toMatchObject({ tenant: 'acme', role: 'internal' });
  });
});

describe('the gateway', () => {
  it('puts the strict security headers on every page, the provider’s included', async () => {
    const { challenge } = pkce();
    const browser = new Browser();
    const start = await authorize(browser, { code_challenge: challenge, code_challenge_method: 'S256' });
    for (const res of [await fetch(`${gateway.origin}/`), await browser.go(start.headers.get('location')!)]) {
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  it('answers client routes with the app, but never /v1, /oidc or a missing file', async () => {
    const app = await fetch(`${gateway.origin}/tickets/ACME-1001`);
    expect(app.status).toBe(200);
    expect(await app.text()).toContain('<title>app</title>');
    expect((await fetch(`${gateway.origin}/v1/nothing-here`)).headers.get('content-type')).toMatch(/json/);
    expect((await fetch(`${gateway.origin}/oidc/nothing-here`)).status).toBe(404);
    expect((await fetch(`${gateway.origin}/assets/missing.js`)).status).toBe(404);
    const traversal = await fetch(`${gateway.origin}/%2e%2e/%2e%2e/%2e%2e/etc/passwd`);
    expect(await traversal.text()).not.toContain('root:');
  });

  it('tells the web app where to sign in', async () => {
    expect(await (await fetch(`${gateway.origin}/config.json`)).json()).toEqual({
      authority: issuer,
      clientId: WEB_CLIENT_ID,
      scope: 'openid email psa',
      redirectPath: '/auth/callback',
    });
  });
});
