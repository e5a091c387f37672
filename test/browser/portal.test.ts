import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, mintToken, type RunningSystem } from '../support/system.ts';
import { checkPage, openPage, signIn, startBrowserStack, stopBrowserStack } from './support/browser.ts';

/**
 * The web app in a real browser against the local stack started as a user starts it: sign-in
 * through the local OpenID provider, the requester portal over the public API, axe on each page.
 */

let dataDir: string;
let system: RunningSystem;
let browser: Browser;
const web = () => system.endpoints.web;

beforeAll(async () => {
  ({ dataDir, system, browser } = await startBrowserStack());
});

afterAll(() => stopBrowserStack({ dataDir, system, browser }));

describe('a requester in the portal', () => {
  it('signs in with their email, submits a ticket, sees its key, then sees it routed', async () => {
    const watched = await openPage(browser, { phone: true });
    const { page } = watched;
    await page.goto(web());
    await page.getByRole('heading', { name: 'IT help' }).waitFor();
    console.log(`landing page: ${await checkPage(watched, 'landing page')}`);

    await signIn(watched, web(), 'alice@acme.example', {
      check: async (name) => console.log(`${name}: ${await checkPage(watched, name)}`),
    });
    await page.getByRole('heading', { name: 'Get IT help' }).waitFor();
    await page.getByRole('heading', { name: 'My tickets' }).waitFor();
    expect(page.url()).toBe(web());
    console.log(`portal: ${await checkPage(watched, 'portal')}`);

    await page.getByLabel('Subject').fill('Locked out of my account');
    await page.getByLabel('Description').fill('I forgot my password and now I am locked out.');
    const submittedAt = performance.now();
    await page.getByRole('button', { name: 'Submit' }).click();

    const result = page.getByRole('status');
    await expect.poll(() => result.textContent(), { timeout: 15_000 }).toMatch(/ACME-\d+/);
    const key = /ACME-\d+/.exec((await result.textContent()) ?? '')![0];
    await expect
      .poll(() => result.textContent(), { timeout: 30_000, interval: 250 })
      .toMatch(/Routed to MSP service desk/);
    console.log(`submit to "routed" shown in the portal: ${Math.round(performance.now() - submittedAt)} ms`);
    const mine = page.getByRole('listitem').filter({ hasText: key });
    await expect.poll(() => mine.textContent()).toMatch(/Status\s*Routed to MSP service desk/);
    console.log(`portal with a routed ticket: ${await checkPage(watched, 'portal with a routed ticket')}`);

    // The ticket is the requester's own, from the web channel, and visible to staff by the API.
    const staff = await mintToken(dataDir, ['--tenant', 'acme', '--role', 'internal']);
    const list = await api(system.endpoints.http, staff).get('/v1/tenants/acme/tickets?limit=5');
    expect(list.body.items.find((t: { key: string }) => t.key === key)).toMatchObject({
      channel: 'web',
      requester: { email: 'alice@acme.example' },
      owner: 'partner',
    });

    // Tokens never travel in a URL: only the one-time authorization code does, and it is gone.
    const token = await page.evaluate(
      () => Object.entries(sessionStorage).find(([k]) => k.startsWith('oidc.user:'))?.[1],
    );
    const accessToken = (JSON.parse(token ?? '{}') as { access_token?: string }).access_token;
    expect(accessToken).toBeTruthy();
    expect(watched.requestedUrls.filter((u) => u.includes(accessToken!) || /access_token=/.test(u))).toEqual(
      [],
    );
    await watched.context.close();
  });

  it('refuses an address no tenant knows, with a clear message', async () => {
    const watched = await openPage(browser);
    const { page } = watched;
    await page.goto(web());
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Email').fill('mallory@evil.example');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toMatch(/mallory@evil\.example is not known/);
    expect(new URL(page.url()).pathname).toMatch(/^\/oidc\/interaction\//);
    console.log(`refused sign-in: ${await checkPage(watched, 'refused sign-in')}`);
    await watched.context.close();
  });

  it('shows staff that they are signed in with the role their tenant gives them', async () => {
    const watched = await openPage(browser);
    await signIn(watched, web(), 'it-lead@acme.example');
    await watched.page.getByRole('heading', { name: 'Tickets', level: 1 }).waitFor();
    expect(await watched.page.getByRole('banner').textContent()).toContain(
      'it-lead@acme.example (internal IT)',
    );
    console.log(`staff page: ${await checkPage(watched, 'staff page')}`);

    // Signing out ends the provider's session too: its confirmation page, then the landing page.
    await watched.page.getByRole('button', { name: 'Sign out' }).click();
    await watched.page.getByRole('heading', { name: 'Sign out?' }).waitFor();
    console.log(`sign-out page: ${await checkPage(watched, 'sign-out page')}`);
    await watched.page.getByRole('button', { name: 'Sign out' }).click();
    await watched.page.getByRole('heading', { name: 'IT help' }).waitFor();
    await watched.page.getByRole('button', { name: 'Sign in' }).click();
    await watched.page.getByLabel('Email').waitFor();
    await watched.context.close();
  });
});

describe('the API behind the web app', () => {
  it('rejects a token the provider did not sign, and accepts one it did', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwks = (await (await fetch(`${system.endpoints.issuer}/jwks`)).json()) as {
      keys: { kid: string }[];
    };
    const forged = await new SignJWT({ tenant: 'acme', role: 'internal', email: 'it-lead@acme.example' })
      .setProtectedHeader({ alg: 'RS256', kid: jwks.keys[0]!.kid })
      .setIssuer(system.endpoints.issuer)
      .setAudience('psa-api')
      .setSubject('mallory')
      .setExpirationTime('1h')
      .sign(privateKey);
    expect((await exportJWK(publicKey)).n).not.toBe((jwks.keys[0] as { n?: string }).n);
    const forgedAnswer = await api(system.endpoints.http, forged).get('/v1/tenants/acme/tickets');
    expect(forgedAnswer.status).toBe(401);
    const real = await mintToken(dataDir, ['--tenant', 'acme', '--role', 'internal']);
    expect((await api(system.endpoints.http, real).get('/v1/tenants/acme/tickets')).status).toBe(200);
  });
});
