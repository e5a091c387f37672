import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../support/system.ts';
import { openPage, signIn, startBrowserStack, stopBrowserStack } from './support/browser.ts';

/**
 * A signed-in person stays signed in past the access token's lifetime: the web app renews the
 * token with the refresh token before it expires (the local provider's tokens live 70 s here).
 */

let dataDir: string;
let system: RunningSystem;
let browser: Browser;
const web = () => system.endpoints.web;

beforeAll(async () => {
  ({ dataDir, system, browser } = await startBrowserStack({ PSA_ACCESS_TOKEN_TTL_SECONDS: '70' }));
});

afterAll(() => stopBrowserStack({ dataDir, system, browser }));

/** The access token oidc-client-ts keeps in this tab's sessionStorage. */
const accessToken = (page: Page) =>
  page.evaluate(() => {
    for (let i = 0; i < sessionStorage.length; i++) {
      const key = sessionStorage.key(i)!;
      if (key.startsWith('oidc.user:'))
        return (JSON.parse(sessionStorage.getItem(key)!) as { access_token: string }).access_token;
    }
    return null;
  });

describe('a session', () => {
  it('renews its access token with the refresh token before it expires, and the API takes the new one', async () => {
    const watched = await openPage(browser);
    const { page } = watched;
    await signIn(watched, web(), 'alice@acme.example');
    await page.getByRole('heading', { name: 'Get IT help' }).waitFor();
    const first = await accessToken(page);
    expect(first).toMatch(/^ey/);

    // oidc-client-ts renews 60 s before expiry: about 10 s after sign-in here.
    await expect.poll(() => accessToken(page), { timeout: 45_000, interval: 500 }).not.toBe(first);
    const renewed = await accessToken(page);
    expect(renewed).toMatch(/^ey/);

    // The page kept its state and calls the API with the renewed token.
    await page.getByLabel('Subject').fill('Renewed session');
    await page.getByLabel('Description').fill('Submitted after the access token was renewed.');
    await page.getByRole('button', { name: 'Submit' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 15_000 }).toMatch(/ACME-\d+/);
    expect(watched.requestedUrls.some((u) => u.includes(first!) || u.includes(renewed!))).toBe(false);
  });
});
