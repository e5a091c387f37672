import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../support/system.ts';
import { checkPage, openPage, signIn, startBrowserStack, stopBrowserStack } from './support/browser.ts';

/**
 * The staff app's frame: after sign-in each staff role lands on its own section and sees only
 * the sections its role may open; sections are real links (history, reload and deep links work).
 */

let dataDir: string;
let system: RunningSystem;
let browser: Browser;
const web = () => system.endpoints.web;

beforeAll(async () => {
  ({ dataDir, system, browser } = await startBrowserStack());
});

afterAll(() => stopBrowserStack({ dataDir, system, browser }));

const sectionNames = async (watched: Awaited<ReturnType<typeof openPage>>) =>
  (await watched.page.getByRole('navigation', { name: 'Sections' }).getByRole('link').allTextContents()).map(
    (t) => t.trim(),
  );

describe('the staff app', () => {
  it('lands internal IT on the tickets and offers every section of its role', async () => {
    const watched = await openPage(browser);
    await signIn(watched, web(), 'it-lead@acme.example');
    await watched.page.waitForURL(`${web()}tickets`);
    await watched.page.getByRole('heading', { name: 'Tickets' }).waitFor();
    expect(await sectionNames(watched)).toEqual([
      'Tickets',
      'Mail quarantine',
      'Division of work',
      'Dashboard',
      'Team pulse',
    ]);

    await watched.page.getByRole('link', { name: 'Division of work' }).click();
    await watched.page.getByRole('heading', { name: 'Division of work', level: 1 }).waitFor();
    expect(new URL(watched.page.url()).pathname).toBe('/division-of-work');
    await watched.page.goBack();
    await watched.page.getByRole('heading', { name: 'Tickets' }).waitFor();
    expect(new URL(watched.page.url()).pathname).toBe('/tickets');
    console.log(`staff frame: ${await checkPage(watched, 'staff frame (internal IT)')}`);
  });

  it('lands leadership on the dashboard, without the ticket sections', async () => {
    const watched = await openPage(browser);
    await signIn(watched, web(), 'coo@acme.example');
    await watched.page.waitForURL(`${web()}dashboard`);
    await watched.page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    expect(await sectionNames(watched)).toEqual(['Division of work', 'Dashboard']);
  });

  it('never offers the partner the division of work or the quarantine, even by a deep link', async () => {
    const watched = await openPage(browser);
    await signIn(watched, web(), 'dispatch@msp.example');
    await watched.page.waitForURL(`${web()}tickets`);
    expect(await sectionNames(watched)).toEqual(['Tickets', 'Dashboard']);

    await watched.page.goto(`${web()}quarantine`);
    await watched.page.waitForURL(`${web()}tickets`);
    await watched.page.getByRole('heading', { name: 'Tickets' }).waitFor();
  });
});
