import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseMail } from '@psa/mime/parse';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, mintToken, type RunningSystem } from '../support/system.ts';
import { checkPage, openPage, signIn, startBrowserStack, stopBrowserStack } from './support/browser.ts';

/**
 * The team pulse in a real browser against the local stack: internal IT answers the month's
 * question in the console, once (a different second answer is refused, visibly); leadership sees
 * the month's mean, count and comment on the dashboard; the partner's dashboard has no pulse.
 * Then the clock moves to the 25th, when the invitation mail goes out: its link, opened, says the
 * month is answered already (one answer per person and month, whichever way it was given).
 */

let dataDir: string;
let system: RunningSystem;
let browser: Browser;
const web = () => system.endpoints.web;
const COMMENT = 'Finally had time to plan the network redesign';

beforeAll(async () => {
  ({ dataDir, system, browser } = await startBrowserStack({ PSA_CLOCK_CONTROL: 'on' }));
});
afterAll(() => stopBrowserStack({ dataDir, system, browser }));

/** The text of the pulse invitation mailed to `address`, once it is in the local outbox. */
async function invitationTo(address: string): Promise<string[]> {
  const texts: string[] = [];
  for (const file of await readdir(join(dataDir, 'outbox')).catch(() => [] as string[])) {
    const raw = await readFile(join(dataDir, 'outbox', file));
    const head = raw.toString('utf8', 0, Math.min(raw.length, 4000));
    if (!head.includes(`To: ${address}`) || !/Subject: Team pulse for 2026-11/.test(head)) continue;
    const parsed = await parseMail(raw);
    if (parsed.ok) texts.push(parsed.mail.text);
  }
  return texts;
}

/** Internal IT signed in, on the Team pulse section, its question showing. */
async function openTeamPulse() {
  const watched = await openPage(browser);
  await signIn(watched, web(), 'it-lead@acme.example');
  await watched.page.waitForURL(`${web()}tickets`);
  await watched.page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('link', { name: 'Team pulse' })
    .click();
  await watched.page.getByRole('heading', { name: 'Team pulse', level: 1 }).waitFor();
  expect(new URL(watched.page.url()).pathname).toBe('/team-pulse');
  await watched.page
    .getByRole('group', { name: /^November 2026: This month, did the partnership/ })
    .waitFor();
  return watched;
}

describe('the team pulse', () => {
  it('is answered once in the console, shown to leadership on the dashboard but never to the partner, and not again by the mail’s link', async () => {
    // Two tabs of the same person, both asking: the second, different answer meets the API's refusal.
    const first = await openTeamPulse();
    const second = await openTeamPulse();
    console.log(`team pulse form: ${await checkPage(first, 'team pulse (internal IT)')}`);

    await first.page.getByRole('radio', { name: '4: A little more' }).check();
    await first.page.getByLabel('Comment (optional)').fill(COMMENT);
    await first.page.getByRole('button', { name: 'Send answer' }).click();
    await first.page.getByRole('heading', { name: 'Your answer for November 2026' }).waitFor();
    expect(await first.page.getByRole('status').textContent()).toBe('You answered 4: A little more.');
    await first.page.getByText(COMMENT).waitFor();
    await first.page.getByText('One answer per person and month', { exact: false }).waitFor();
    console.log(`team pulse answered: ${await checkPage(first, 'team pulse answered')}`);

    await second.page.getByRole('radio', { name: '2: A little less' }).check();
    await second.page.getByRole('button', { name: 'Send answer' }).click();
    const refusal = second.page.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toBe(
      'You already answered the pulse for 2026-11. The pulse takes one answer per person and month; yours is kept.',
    );
    // The refused tab shows the answer kept, not its own.
    expect(await second.page.getByRole('status').textContent()).toBe('You answered 4: A little more.');

    const lead = api(
      system.endpoints.http,
      await mintToken(dataDir, ['--tenant', 'acme', '--role', 'leadership', '--email', 'coo@acme.example']),
    );
    const relief = (await lead.get('/v1/tenants/acme/reports/relief?month=2026-11')).body;
    expect(relief.pulse).toMatchObject({ count: 1, mean: 4, comments: [COMMENT] });

    // Leadership: the month's pulse as its own tables, and its mean as a trend.
    const leadership = await openPage(browser);
    const { page } = leadership;
    await signIn(leadership, web(), 'coo@acme.example');
    await page.waitForURL(`${web()}dashboard`);
    const pulse = page.getByRole('table', { name: 'Team pulse', exact: true });
    await pulse.waitFor();
    const cells = pulse.locator('tbody tr').first().getByRole('cell');
    expect(await cells.nth(0).textContent()).toBe('4');
    expect(await cells.nth(1).textContent()).toBe('1');
    expect(await cells.nth(2).textContent()).toBe(String(relief.pulse.asked));
    const comments = page.getByRole('table', { name: 'Team pulse comments', exact: true });
    expect(await comments.locator('tbody tr').allTextContents()).toEqual([COMMENT]);
    await page.getByRole('img', { name: 'Team pulse mean (1 to 5), chart of the last 12 months' }).waitFor();
    await page.getByText('Table: Team pulse mean (1 to 5) by month').click();
    const trend = page.getByRole('table', { name: 'Team pulse mean (1 to 5) by month' }).locator('tbody tr');
    expect(await trend.last().getByRole('cell').allTextContents()).toEqual(['Nov 26', '4']);
    console.log(`dashboard with the pulse: ${await checkPage(leadership, 'dashboard pulse (leadership)')}`);

    // The partner: no pulse section, table, chart or link, not even by a deep link.
    const partner = await openPage(browser);
    await signIn(partner, web(), 'dispatch@msp.example');
    await partner.page.waitForURL(`${web()}tickets`);
    const sections = partner.page.getByRole('navigation', { name: 'Sections' });
    expect(await sections.getByRole('link', { name: 'Team pulse' }).count()).toBe(0);
    await sections.getByRole('link', { name: 'Dashboard' }).click();
    await partner.page.getByRole('heading', { name: 'Headline figures, November 2026' }).waitFor();
    await partner.page.getByRole('button', { name: 'Download the trends as CSV' }).waitFor();
    expect(await partner.page.locator('figure.trend').count()).toBe(4);
    expect(await partner.page.getByText(/pulse/i).count()).toBe(0);
    await partner.page.goto(`${web()}team-pulse`);
    await partner.page.waitForURL(`${web()}tickets`);

    // The 25th: the month's invitation mail; its link knows the month is answered.
    const moved = await fetch(new URL('/_local/clock', system.endpoints.http), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ at: '2026-11-25T15:00:00Z' }),
    });
    expect(moved.status).toBe(200);
    const [mail] = await eventually(
      () => invitationTo('it-lead@acme.example'),
      (l) => l.length === 1,
    );
    const token = /\/pulse\/([A-Za-z0-9_-]{43})/.exec(mail!)?.[1];
    expect(token).toBeDefined();
    const link = await openPage(browser);
    await link.page.goto(`${web()}pulse/${token}`);
    await link.page.getByRole('heading', { name: 'Team pulse', level: 1 }).waitFor();
    expect(await link.page.getByRole('alert').textContent()).toBe(
      'This month’s pulse was already answered; thank you.',
    );
    expect(new URL(link.page.url()).pathname).toBe('/pulse');
    console.log(`pulse link, answered: ${await checkPage(link, 'pulse link (answered)')}`);
  });
});
