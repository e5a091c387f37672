import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseMail } from '@psa/mime/parse';
import type { ParsedMail } from '@psa/mime/types';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, mintToken, type RunningSystem } from '../support/system.ts';
import { checkPage, openPage, signIn, startBrowserStack, stopBrowserStack } from './support/browser.ts';

/**
 * The conversation end to end, as its people see it: a requester in the portal, staff by the API,
 * the requester's mailbox as the local outbox's `.eml` files, and the rating link of the
 * resolution mail, in a real browser against the local stack.
 */

let dataDir: string;
let system: RunningSystem;
let browser: Browser;
const web = () => system.endpoints.web;

beforeAll(async () => {
  ({ dataDir, system, browser } = await startBrowserStack());
});

afterAll(() => stopBrowserStack({ dataDir, system, browser }));

/** Every mail the system sent so far: the local outbox, one `.eml` per mail. */
async function mailbox(): Promise<ParsedMail[]> {
  const dir = join(dataDir, 'outbox');
  const names = await readdir(dir).catch(() => [] as string[]);
  const parsed = await Promise.all(
    names.filter((n) => n.endsWith('.eml')).map(async (n) => parseMail(await readFile(join(dir, n)))),
  );
  return parsed.flatMap((p) => (p.ok ? [p.mail] : []));
}

describe('a conversation between a requester and IT', () => {
  it('goes from the portal to staff and back by mail, keeps notes internal, and rates once', async () => {
    const watched = await openPage(browser);
    const { page } = watched;
    await signIn(watched, web(), 'alice@acme.example');
    await page.getByRole('heading', { name: 'My tickets' }).waitFor();

    // Submit with an attachment.
    await page.getByLabel('Subject').fill('Locked out of my account');
    await page.getByLabel('Description').fill('I forgot my password and now I am locked out.');
    await page.getByLabel('Attachments (optional)').setInputFiles({
      name: 'flicker.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('video of the flicker, described'),
    });
    await page.getByRole('button', { name: 'Submit' }).click();
    const result = page.getByRole('status');
    await expect.poll(() => result.textContent(), { timeout: 15_000 }).toMatch(/ACME-\d+/);
    const key = /ACME-\d+/.exec((await result.textContent()) ?? '')![0];
    await expect
      .poll(() => result.textContent(), { timeout: 30_000, interval: 250 })
      .toMatch(/Routed to MSP service desk/);
    const mine = page
      .getByRole('listitem')
      .filter({ has: page.getByRole('heading', { name: new RegExp(key) }) });
    await mine.getByRole('button', { name: 'Download flicker.txt' }).waitFor();
    console.log(`portal with a submitted ticket: ${await checkPage(watched, 'portal with a ticket')}`);

    // The requester replies with a file.
    await page.getByLabel(`Reply on ${key}`, { exact: true }).fill('It also happens on my phone.');
    await page.getByLabel(`Attach files to the reply on ${key}`).setInputFiles({
      name: 'battery.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('on battery too'),
    });
    await page.getByRole('button', { name: `Send reply on ${key}` }).click();
    await expect
      .poll(() => mine.textContent(), { timeout: 10_000 })
      .toContain('It also happens on my phone.');
    await mine.getByRole('button', { name: 'Download battery.txt' }).waitFor();

    // Staff answer by the API: an internal note, then a public reply.
    const staff = api(
      system.endpoints.http,
      await mintToken(dataDir, ['--tenant', 'acme', '--role', 'internal']),
    );
    const list = await staff.get('/v1/tenants/acme/tickets?limit=10');
    const ticket = list.body.items.find((t: { key: string }) => t.key === key) as { id: string };
    const messages = `/v1/tenants/acme/tickets/${ticket.id}/messages`;
    const note = await staff.post(messages, {
      visibility: 'internal',
      text: 'Account flagged by the fraud check; secret.',
    });
    expect(note.status).toBe(201);
    const steps = 'Open the link, choose a new password, sign in again.';
    const reply = await staff.post(messages, {
      visibility: 'public',
      text: 'Please try the reset link we sent.',
      attachments: [
        { name: 'steps.txt', contentType: 'text/plain', content: Buffer.from(steps).toString('base64') },
      ],
    });
    expect(reply.status).toBe(201);

    // It reaches the requester's mailbox threaded; the note never does.
    const mail = await eventually(
      async () => (await mailbox()).find((m) => m.text.includes('Please try the reset link we sent.')),
      (m) => m !== undefined,
    );
    expect(mail!.subject).toContain(`[${key}]`);
    expect(mail!.to.map((a) => a.address)).toEqual(['alice@acme.example']);
    const root = `ticket.${ticket.id}@acme.example`;
    expect(mail!.inReplyTo).toEqual([root]);
    expect(mail!.references).toEqual([root]);
    expect((await mailbox()).some((m) => m.text.includes('secret'))).toBe(false);
    // The reply's file goes with it, as sent.
    expect(
      mail!.attachments.map((a) => [a.filename, a.contentType, Buffer.from(a.content!).toString()]),
    ).toEqual([['steps.txt', 'text/plain', steps]]);

    // And shows in the portal, the note never.
    await expect
      .poll(() => mine.textContent(), { timeout: 10_000 })
      .toContain('Please try the reset link we sent.');
    expect(await page.getByRole('main').textContent()).not.toContain('secret');
    console.log(`portal with a conversation: ${await checkPage(watched, 'portal with a conversation')}`);

    // Staff resolve it; the resolution mail carries the rating links.
    const resolved = await staff.post(`/v1/tenants/acme/tickets/${ticket.id}/status`, { status: 'resolved' });
    expect(resolved.status).toBe(200);
    const resolution = await eventually(
      async () => (await mailbox()).find((m) => m.subject.includes(key) && m.text.includes('/rate/')),
      (m) => m !== undefined,
    );
    expect(resolution!.references[0]).toBe(root);
    const link = new RegExp(`${web().replace(/\/$/, '')}/rate/[A-Za-z0-9_-]{43}/good`).exec(
      resolution!.text,
    )![0];
    expect(resolution!.text).not.toContain('secret');

    // The link works once: it rates, and offers the optional comment.
    const rater = await openPage(browser, { phone: true });
    await rater.page.goto(link);
    await expect
      .poll(() => rater.page.getByRole('status').textContent(), { timeout: 10_000 })
      .toMatch(new RegExp(`rated ticket ${key} “Good”`));
    expect(rater.page.url()).not.toContain('/rate/'); // the token leaves the address bar
    console.log(`rating page: ${await checkPage(rater, 'rating page')}`);
    await rater.page.getByLabel('Comment (optional)').fill('Back in, thanks.');
    await rater.page.getByRole('button', { name: 'Send comment' }).click();
    await expect.poll(() => rater.page.getByRole('status').textContent()).toMatch(/comment was added/);

    // And only once.
    await rater.page.goto(link);
    await expect
      .poll(() => rater.page.getByRole('alert').textContent(), { timeout: 10_000 })
      .toMatch(/already used/);
    console.log(`rating link used twice: ${await checkPage(rater, 'rating link used twice')}`);
    const rated = await staff.get(`/v1/tenants/acme/tickets/${ticket.id}`);
    expect(rated.body.satisfaction).toMatchObject({
      rating: 'good',
      owner: 'partner',
      comment: 'Back in, thanks.',
    });
    await rater.context.close();
    await watched.context.close();
  });
});
