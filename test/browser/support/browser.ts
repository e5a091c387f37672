import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { buildWeb, webBuildIsStale } from '@psa/web/build';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect, onTestFailed } from 'vitest';
import { newDataDir, type RunningSystem, removeDataDir, startSystem } from '../../support/system.ts';

/**
 * Reusable helpers for the browser tests (the portal's now; the staff console's and the
 * dashboard's later): Debian's Chromium driven by playwright-core (Playwright's own browser
 * download cannot reach the network here), sign-in as a person, an axe-core check, screenshots.
 */

/** Where screenshots go: `PSA_ARTIFACTS_DIR`, or a folder under the system temp directory. */
export const ARTIFACTS_DIR = process.env.PSA_ARTIFACTS_DIR ?? join(tmpdir(), 'psa-browser-artifacts');

/** Debian's package; `.ci/run` installs it when missing (`apt-get install -y chromium`). */
export const CHROMIUM = process.env.PSA_CHROMIUM ?? '/usr/bin/chromium';

/** Launches Chromium, after building the web app if its sources changed since the last build. */
export async function launchBrowser(): Promise<Browser> {
  if (webBuildIsStale()) buildWeb();
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  console.log(`browser test artifacts (screenshots): ${ARTIFACTS_DIR}`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** A page whose Content-Security-Policy violations are recorded (a violation fails `checkPage`). */
export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  cspViolations: string[];
  /** Every URL the page requested, to prove no token ever travels in one. */
  requestedUrls: string[];
}

export interface PageOptions {
  /** A phone-sized viewport (the portal must be usable on one). */
  phone?: boolean;
}

/**
 * A fresh browser context (its own cookies and sessionStorage: one person) with a page that
 * records CSP violations and request URLs, and a screenshot saved if the current test fails.
 */
export async function openPage(browser: Browser, opts: PageOptions = {}): Promise<WatchedPage> {
  const context = await browser.newContext(
    opts.phone ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } : {},
  );
  const page = await context.newPage();
  const watched: WatchedPage = { page, context, cspViolations: [], requestedUrls: [] };
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) watched.cspViolations.push(message.text());
  });
  page.on('request', (request) => watched.requestedUrls.push(request.url()));
  onTestFailed(async ({ task }) => {
    const file = join(ARTIFACTS_DIR, `FAILED-${slug(task.name)}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    console.log(`screenshot of the failed test: ${file}`);
  });
  return watched;
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);

/** Saves a screenshot of the page as an artifact and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = join(ARTIFACTS_DIR, `${slug(name)}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * The accessibility check of a page: axe-core (WCAG 2.x A/AA rules) must find no serious or
 * critical violation, and the page must not have tripped its Content-Security-Policy.
 * Saves the page's screenshot as an artifact either way.
 */
export async function checkPage(watched: WatchedPage, name: string): Promise<string> {
  const shot = await screenshot(watched.page, name);
  const results = await new AxeBuilder({ page: watched.page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  const blocking = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(blocking, `axe on ${name}`).toEqual([]);
  expect(watched.cspViolations, `CSP violations on ${name}`).toEqual([]);
  return shot;
}

/**
 * Signs in from the web app's landing page as a person would: the Sign in button, then the
 * provider's page, its Email field and its Sign in button. Resolves once back in the web app.
 */
export async function signIn(
  watched: WatchedPage,
  webUrl: string,
  email: string,
  opts: { check?: (name: string) => Promise<unknown> } = {},
): Promise<void> {
  const { page } = watched;
  await page.goto(webUrl);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Email').waitFor();
  await opts.check?.('sign-in page');
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.origin === new URL(webUrl).origin && !url.pathname.startsWith('/oidc'));
}

/** The local stack and a browser, as every browser suite starts them. */
export interface BrowserStack {
  dataDir: string;
  system: RunningSystem;
  browser: Browser;
}

/**
 * The local stack started as a user starts it, on a fresh data folder, with its clock on a
 * Tuesday morning in New York (business hours, so routing is plain), and a browser.
 */
export async function startBrowserStack(env: Record<string, string> = {}): Promise<BrowserStack> {
  const dataDir = await newDataDir();
  const system = await startSystem(dataDir, { PSA_CLOCK_START: '2026-11-03T15:00:00Z', ...env });
  return { dataDir, system, browser: await launchBrowser() };
}

/** Closes what {@link startBrowserStack} started, whatever of it did start. */
export async function stopBrowserStack(stack: Partial<BrowserStack>): Promise<void> {
  await stack.browser?.close();
  await stack.system?.stop();
  if (stack.dataDir) await removeDataDir(stack.dataDir);
}
