import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, mintToken, type RunningSystem } from '../support/system.ts';
import { checkPage, openPage, signIn, startBrowserStack, stopBrowserStack } from './support/browser.ts';

/**
 * The relief dashboard as leadership sees it, in a real browser against the local stack: a month
 * filled with known tickets (created by the API), every headline figure equal to the report
 * API's, each chart with its table, the month's tickets as CSV, and the print view on A4 paper.
 */

let dataDir: string;
let system: RunningSystem;
let browser: Browser;
const web = () => system.endpoints.web;
const MONTH = '2026-11';

const SUBJECTS = [
  'VPN keeps dropping',
  'Locked out of my account, need a password reset',
  'Wi-Fi in the meeting room keeps disconnecting',
  'Laptop screen cracked',
  'Keyboard on my laptop is broken',
];

beforeAll(async () => {
  ({ dataDir, system, browser } = await startBrowserStack());
});
afterAll(() => stopBrowserStack({ dataDir, system, browser }));

const percent = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);

describe('the relief dashboard', () => {
  it('shows leadership the month’s figures as the report API gives them, with charts, tables, CSV and a print view', async () => {
    const it = api(
      system.endpoints.http,
      await mintToken(dataDir, ['--tenant', 'acme', '--role', 'internal', '--email', 'it-lead@acme.example']),
    );
    const ids: string[] = [];
    for (const [i, subject] of SUBJECTS.entries()) {
      const res = await it.post(
        '/v1/tenants/acme/tickets',
        { subject, body: `${subject}. Please help.`, requester: { email: `user${i}@acme.example` } },
        { 'idempotency-key': `dash-${i}` },
      );
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const lead = api(
      system.endpoints.http,
      await mintToken(dataDir, ['--tenant', 'acme', '--role', 'leadership', '--email', 'coo@acme.example']),
    );
    const relief = (
      await eventually(
        () => lead.get(`/v1/tenants/acme/reports/relief?month=${MONTH}`),
        (r) =>
          r.body?.totalTickets === SUBJECTS.length &&
          r.body.ticketsByOwner.partner > 0 &&
          r.body.ticketsByOwner.internal > 0,
        30_000,
      )
    ).body;
    const trends = (await lead.get(`/v1/tenants/acme/reports/trends?month=${MONTH}`)).body;

    const watched = await openPage(browser);
    const { page } = watched;
    await signIn(watched, web(), 'coo@acme.example');
    await page.waitForURL(`${web()}dashboard`);
    await page.getByRole('heading', { name: 'Headline figures, November 2026' }).waitFor();

    // Every headline figure, as text, equals the API's.
    const figure = (name: string) =>
      page.locator('.headline .figure', { has: page.getByText(name, { exact: true }) });
    expect(await figure('Partner share').locator('.value').textContent()).toBe(percent(relief.partnerShare));
    expect(await figure('After-hours absorbed by the partner').locator('.value').textContent()).toBe(
      percent(relief.afterHoursPartnerShare),
    );
    expect(await figure('Internal hours freed').locator('.value').textContent()).toBe(
      `${relief.internalHoursFreed.toFixed(1)} h`,
    );
    expect(await figure('Internal hours freed').textContent()).toContain('from October 2026');
    const mom: number | null = relief.monthOverMonth.partnerShare;
    expect(await figure('Partner share').textContent()).toContain(
      mom === null
        ? 'no figure for the month before from October 2026'
        : `${mom > 0 ? '+' : mom < 0 ? '−' : ''}${(Math.abs(mom) * 100).toFixed(1)} points from October 2026`,
    );
    expect(await figure('SLA attainment').locator('.value').textContent()).toBe(
      percent(relief.slaOverall.all.attainment),
    );
    expect(await page.getByText(`${SUBJECTS.length} tickets received in November 2026`).count()).toBe(1);

    // The month's tables are the API's tables.
    const tables = (await lead.get(`/v1/tenants/acme/reports/tables?month=${MONTH}`)).body.tables as {
      title: string;
      rows: unknown[][];
    }[];
    for (const t of tables) {
      const shown = page.getByRole('table', { name: t.title, exact: true });
      expect(await shown.locator('tbody tr').count(), t.title).toBe(Math.max(1, t.rows.length));
    }
    const owners = page.getByRole('table', { name: 'Tickets by owner, and after-hours tickets absorbed' });
    expect(
      await owners
        .getByRole('row', { name: /MSP partner/ })
        .getByRole('cell')
        .nth(1)
        .textContent(),
    ).toBe(String(relief.ticketsByOwner.partner));

    // Six charts, each drawn and each with its table alternative.
    const charts = page.locator('figure.trend');
    await expect.poll(() => charts.locator('canvas').count()).toBe(6);
    for (const name of [
      'Partner share',
      'After-hours absorbed by the partner',
      'Internal hours freed',
      'SLA attainment',
      'Internal backlog at month end',
      'Team pulse mean (1 to 5)',
    ]) {
      await page.getByRole('img', { name: `${name}, chart of the last 12 months` }).waitFor();
      await page.getByText(`Table: ${name} by month`).click();
      const table = page.getByRole('table', { name: `${name} by month` });
      expect(await table.locator('tbody tr').count()).toBe(12);
    }
    const shareRows = page.getByRole('table', { name: 'Partner share by month' }).locator('tbody tr');
    expect(await shareRows.last().getByRole('cell').nth(1).textContent()).toBe(
      percent(trends.points.at(-1).partnerShare),
    );
    console.log(`dashboard: ${await checkPage(watched, 'dashboard (leadership)')}`);

    // The month's tickets as CSV: one row per ticket.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download the month’s tickets as CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('acme-2026-11-tickets.csv');
    const csv = (await readFile((await download.path())!, 'utf8')).trimEnd().split('\r\n');
    expect(csv[0]).toMatch(/^Key,Received,Owner,Workload,Priority,After hours,Rule,/);
    expect(csv).toHaveLength(SUBJECTS.length + 1);
    const keys = csv.slice(1).map((l) => l.split(',')[0]);
    const created = await Promise.all(
      ids.map(async (id) => (await it.get(`/v1/tenants/acme/tickets/${id}`)).body.key),
    );
    expect(keys.sort()).toEqual(created.sort());

    const [trendsCsv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download the trends as CSV' }).click(),
    ]);
    expect(trendsCsv.suggestedFilename()).toBe('acme-2026-11-trends.csv');
    expect((await readFile((await trendsCsv.path())!, 'utf8')).trimEnd().split('\r\n')).toHaveLength(13);

    // The print view: the month on one A4 width, nothing of the app's frame.
    await page.getByRole('link', { name: 'Print view of November 2026' }).click();
    await page.getByRole('heading', { name: 'Relief report, November 2026', level: 1 }).waitFor();
    await page.getByRole('table', { name: 'Partner share by month' }).waitFor();
    console.log(`print view: ${await checkPage(watched, 'dashboard print view')}`);
    await page.setViewportSize({ width: 703, height: 1000 }); // A4 less 12 mm margins, at 96 dpi
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('navigation', { name: 'Sections' }).isVisible()).toBe(false);
    expect((await page.evaluate('document.documentElement.scrollWidth')) as number).toBeLessThanOrEqual(703);
    expect(await figure('Partner share').locator('.value').textContent()).toBe(percent(relief.partnerShare));
    for (const format of ['A4', 'Letter'] as const) {
      const pdf = (
        await page.pdf({ format, margin: { top: '12mm', bottom: '12mm', left: '12mm', right: '12mm' } })
      ).toString('latin1');
      expect(pdf.startsWith('%PDF'), format).toBe(true);
    }
  });
});
