import { PORTAL_JS_BUDGET_BYTES, sectionFirstLoadJs } from '@psa/local/bench/web';
import { buildWeb, webBuildIsStale } from '@psa/web/build';
import nodemailer from 'nodemailer';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, mintToken, type RunningSystem } from '../support/system.ts';
import { checkPage, openPage, signIn, startBrowserStack, stopBrowserStack } from './support/browser.ts';

/**
 * The staff console in a real browser against the local stack: internal IT finds a ticket the
 * portal just created, reads why it was routed, writes a note and a reply and hands it to the
 * partner; the MSP technician (on a phone) sees only that, answers and resolves it. The lists
 * and pages update by themselves (polling with ETags), so no step reloads the page.
 */

let dataDir: string;
let system: RunningSystem;
let browser: Browser;
const web = () => system.endpoints.web;

beforeAll(async () => {
  ({ dataDir, system, browser } = await startBrowserStack());
});

afterAll(() => stopBrowserStack({ dataDir, system, browser }));

/** The text of the page's main landmark, for "shows" and "never shows" assertions. */
const mainText = async (page: Page) => (await page.getByRole('main').textContent()) ?? '';

describe('the staff console', () => {
  it('takes a portal ticket from internal IT to the partner and to resolved, never showing the partner internal work', async () => {
    // A requester submits in the portal: hardware is internal IT's workload.
    const requester = await openPage(browser);
    await signIn(requester, web(), 'bob@acme.example');
    await requester.page.getByLabel('Subject').fill('Laptop screen cracked');
    await requester.page
      .getByLabel('Description')
      .fill('My laptop display is cracked after a fall; the hardware needs a replacement screen.');
    await requester.page.getByRole('button', { name: 'Submit' }).click();
    const result = requester.page.getByRole('status');
    await expect.poll(() => result.textContent(), { timeout: 15_000 }).toMatch(/ACME-\d+/);
    const key = /ACME-\d+/.exec((await result.textContent()) ?? '')![0];
    await expect
      .poll(() => result.textContent(), { timeout: 30_000, interval: 250 })
      .toMatch(/Routed to internal IT/);
    await requester.context.close();

    // Internal IT signs in and finds it in its list.
    const it_ = await openPage(browser);
    const { page } = it_;
    // Polls carry the ETag they hold; an unchanged list answers 304 through the gateway.
    let notModified = 0;
    page.on('response', (r) => {
      if (r.status() === 304 && r.url().includes('/v1/tenants/acme/tickets?')) notModified++;
    });
    await signIn(it_, web(), 'it-lead@acme.example');
    await page.waitForURL(`${web()}tickets`);
    const tickets = page.getByRole('list', { name: 'Tickets' });
    await tickets.getByRole('link', { name: key }).waitFor();
    await page.getByRole('link', { name: /^Internal IT \(\d+\)$/ }).click();
    await page.waitForURL(/owner=internal/);
    await tickets.getByRole('link', { name: key }).waitFor();

    // Another internal-owned ticket arrives by the API: the open list shows it without a reload.
    const requesterApi = api(
      system.endpoints.http,
      await mintToken(dataDir, ['--tenant', 'acme', '--role', 'requester', '--email', 'carol@acme.example']),
    );
    const budget = await requesterApi.post('/v1/tenants/acme/tickets', {
      subject: 'Budget approval for the purchase of new monitors',
      body: 'We need budget approval and a purchase order for six monitors.',
    });
    expect(budget.status).toBe(201);
    const otherKey = budget.body.key as string;
    const routedBudget = await eventually(
      () => requesterApi.get(`/v1/tenants/acme/tickets/${budget.body.id}`),
      (r) => r.body.owner !== null,
    );
    expect(routedBudget.body.owner).toBe('internal');
    await tickets.getByRole('link', { name: otherKey }).waitFor({ timeout: 15_000 });
    await expect.poll(() => notModified, { timeout: 15_000 }).toBeGreaterThan(0);
    console.log(`console ticket list (internal IT): ${await checkPage(it_, 'console ticket list internal')}`);

    // Filters live in the URL: a reload keeps them (nothing is breached on this fresh stack).
    const sla = page.getByLabel('SLA', { exact: true });
    await sla.selectOption('breached');
    await page.waitForURL(/owner=internal&sla=breached/);
    await page.getByText('No tickets match these filters.').waitFor();
    await page.reload();
    await page.getByText('No tickets match these filters.').waitFor();
    expect(await sla.inputValue()).toBe('breached');
    await sla.selectOption('');
    await page.waitForURL((url) => !url.search.includes('sla='));

    // Its page says why it was routed.
    await tickets.getByRole('link', { name: key }).click();
    await page.getByRole('heading', { level: 1, name: new RegExp(key) }).waitFor();
    const routing = page.getByRole('region', { name: 'Routing decision' });
    await expect.poll(() => routing.textContent()).toMatch(/Routed as hardware by the owner of its workload/);
    expect(await routing.textContent()).toMatch(/version 1 of the division of work/);
    expect(await routing.getByRole('listitem').count()).toBeGreaterThan(0);
    await page.getByRole('table', { name: 'Internal IT' }).waitFor();
    console.log(`console ticket page (internal IT): ${await checkPage(it_, 'console ticket internal')}`);

    // An internal note, a public reply, then the handoff with a reason.
    const conversation = page.getByRole('region', { name: 'Conversation' });
    await page.getByLabel('Internal note: internal IT only').check();
    await page
      .getByLabel('Message', { exact: true })
      .fill('Asset tag 4471; warranty ran out. Internal only.');
    await page.getByRole('button', { name: 'Add internal note' }).click();
    await expect.poll(() => conversation.textContent()).toContain('Asset tag 4471');
    await page.getByLabel('Public reply: the requester reads it, by email and in the portal').check();
    await page.getByLabel('Message', { exact: true }).fill('We are sending a technician with a new screen.');
    await page.getByRole('button', { name: 'Send public reply' }).click();
    await expect.poll(() => conversation.textContent()).toContain('sending a technician');
    await page.getByLabel('Reason for the handoff').fill('On-site swap: the MSP has a technician nearby.');
    await page.getByRole('button', { name: 'Hand off to MSP partner' }).click();
    await expect
      .poll(() =>
        page
          .getByRole('region', { name: 'Handoffs' })
          .textContent()
          .catch(() => ''),
      )
      .toContain('On-site swap');
    expect(await mainText(page)).toMatch(/OwnerMSP partner/);
    console.log(`console ticket handed off: ${await checkPage(it_, 'console ticket handed off')}`);

    // The partner technician, on a phone, sees it and never the internal ticket.
    const msp = await openPage(browser, { phone: true });
    const p = msp.page;
    await signIn(msp, web(), 'dispatch@msp.example');
    await p.waitForURL(`${web()}tickets`);
    const mspTickets = p.getByRole('list', { name: 'Tickets' });
    await mspTickets.getByRole('link', { name: key }).waitFor();
    expect(await mspTickets.textContent()).not.toContain(otherKey);
    console.log(
      `console ticket list (partner, phone): ${await checkPage(msp, 'console ticket list partner')}`,
    );
    await p.goto(`${web()}tickets/${budget.body.id}`);
    await p.getByRole('heading', { name: 'Ticket not found' }).waitFor();
    expect(await mainText(p)).not.toContain('monitors');

    await p.goto(`${web()}tickets`);
    await mspTickets.getByRole('link', { name: key }).click();
    await p.getByRole('heading', { level: 1, name: new RegExp(key) }).waitFor();
    const mspConversation = p.getByRole('region', { name: 'Conversation' });
    await expect.poll(() => mspConversation.textContent()).toContain('sending a technician');
    expect(await mainText(p)).not.toContain('Asset tag 4471');
    expect(await mainText(p)).toContain('On-site swap');
    expect(await p.getByLabel('Internal note: internal IT only').count()).toBe(0);
    console.log(`console ticket page (partner, phone): ${await checkPage(msp, 'console ticket partner')}`);

    await p.getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(() => mainText(p)).toMatch(/StatusAcknowledged/);
    await p.getByLabel('Message', { exact: true }).fill('Technician booked for 2 pm today.');
    await p.getByRole('button', { name: 'Send public reply' }).click();
    await expect.poll(() => mspConversation.textContent()).toContain('Technician booked');
    await p.getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => mainText(p)).toMatch(/StatusResolved/);
    console.log(
      `console ticket resolved (partner): ${await checkPage(msp, 'console ticket resolved partner')}`,
    );

    // Internal IT's open page follows by itself: the partner's reply and the resolution.
    await expect.poll(() => mainText(page), { timeout: 15_000 }).toMatch(/StatusResolved/);
    expect(await conversation.textContent()).toContain('Technician booked');
    await msp.context.close();
    await it_.context.close();
  });

  it('shows internal IT quarantined mail with its reason and raw headers, and reprocesses it', async () => {
    const port = Number(new URL(system.endpoints.smtp!).port);
    const smtp = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    await smtp.sendMail({
      envelope: { from: 'robot@example.net', to: ['support@acme.example'] },
      raw: 'Subject: Nightly job report\r\nX-Mailer: cron-bot 2.1\r\n\r\nno sender header here\r\n',
    });
    smtp.close();

    const it_ = await openPage(browser);
    const { page } = it_;
    await signIn(it_, web(), 'it-lead@acme.example');
    await page.getByRole('link', { name: 'Mail quarantine' }).click();
    await page.getByRole('heading', { level: 1, name: 'Mail quarantine' }).waitFor();
    const mail = page
      .getByRole('listitem')
      .filter({ has: page.getByRole('heading', { name: 'Nightly job report' }) });
    await mail.waitFor({ timeout: 20_000 });
    expect(await mail.textContent()).toMatch(/From/);
    await mail.getByRole('button', { name: 'Show raw headers of “Nightly job report”' }).click();
    await expect.poll(() => mail.getByRole('figure').textContent()).toContain('X-Mailer: cron-bot 2.1');
    await mail.getByRole('button', { name: 'Reprocess “Nightly job report”' }).click();
    await expect.poll(() => mail.getByRole('alert').textContent()).toMatch(/Still quarantined/);
    console.log(`mail quarantine: ${await checkPage(it_, 'console mail quarantine')}`);
    await it_.context.close();
  });
});

it('keeps the console’s first load (the entry and its chunk) within 150 KB of compressed JavaScript', async () => {
  if (webBuildIsStale()) buildWeb();
  const js = await sectionFirstLoadJs('console');
  expect(js.files).toBeGreaterThan(1);
  expect(js.gzip).toBeLessThanOrEqual(PORTAL_JS_BUDGET_BYTES);
  console.log(`console first load: ${(js.gzip / 1024).toFixed(1)} KB gzip in ${js.files} files`);
});
