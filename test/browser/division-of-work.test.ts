import { divisionOfWorkJs } from '@psa/local/bench/web';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, mintToken, type RunningSystem } from '../support/system.ts';
import { checkPage, openPage, signIn, startBrowserStack, stopBrowserStack } from './support/browser.ts';

/**
 * The division-of-work editor as internal IT uses it, in a real browser against the local stack:
 * a broken draft names its problem by path, a fixed one moving `hardware` to the partner shows
 * its what-if on the month's tickets, saving makes version 2, and the next hardware ticket is
 * routed by it. Leadership reads the same page without an editor.
 */

let dataDir: string;
let system: RunningSystem;
let browser: Browser;
let internalToken: string;
const web = () => system.endpoints.web;
const DOW = '/v1/tenants/acme/division-of-work';

beforeAll(async () => {
  ({ dataDir, system, browser } = await startBrowserStack());
  internalToken = await mintToken(dataDir, [
    '--tenant',
    'acme',
    '--role',
    'internal',
    '--email',
    'it-lead@acme.example',
  ]);
});

afterAll(() => stopBrowserStack({ dataDir, system, browser }));

interface RoutedTicket {
  id: string;
  key: string;
  receivedAt: string;
  owner: string;
  workload: string | null;
  routing: { divisionOfWorkVersion: number };
}

/** A hardware ticket by the API, once routed. */
async function hardwareTicket(n: number): Promise<RoutedTicket> {
  const staff = api(system.endpoints.http, internalToken);
  const created = await staff.post('/v1/tenants/acme/tickets', {
    subject: `Laptop screen cracked (${n})`,
    body: 'My laptop screen is broken and I need a replacement laptop.',
    requester: { email: `user${n}@acme.example` },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const routed = await eventually(
    () => staff.get(`/v1/tenants/acme/tickets/${created.body.id}`),
    (r) => r.status === 200 && r.body.owner !== null && r.body.routing,
  );
  return routed.body as RoutedTicket;
}

async function yamlOf(path: string): Promise<string> {
  const res = await fetch(`${system.endpoints.http}${path}`, {
    headers: { authorization: `Bearer ${internalToken}`, accept: 'application/yaml' },
  });
  expect(res.status).toBe(200);
  return res.text();
}

/** The YAML with hardware's `owner:` set to `owner`. */
function withHardwareOwner(yaml: string, owner: string): string {
  const start = yaml.indexOf('id: hardware');
  expect(start).toBeGreaterThan(0);
  const at = yaml.indexOf('owner: internal', start);
  return `${yaml.slice(0, at)}owner: ${owner}${yaml.slice(at + 'owner: internal'.length)}`;
}

/** Replaces the editor's whole text, as typing or pasting would. */
async function replaceDraft(page: Page, text: string): Promise<void> {
  const editor = page.getByRole('textbox', { name: 'Division of work (YAML)' });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

const cellsOf = async (page: Page, table: string, row: string) =>
  page
    .getByRole('table', { name: table })
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: row, exact: true }) })
    .getByRole('cell')
    .allTextContents();

describe('the division-of-work editor', () => {
  it('names a broken field by its path, previews moving hardware to the partner, and publishes version 2', async () => {
    const before = [await hardwareTicket(1), await hardwareTicket(2)];
    for (const t of before)
      expect([t.owner, t.workload, t.routing.divisionOfWorkVersion]).toEqual(['internal', 'hardware', 1]);
    const doc = (await api(system.endpoints.http, internalToken).get(DOW)).body as {
      workloads: { id: string }[];
    };
    const hardwareIndex = doc.workloads.findIndex((w) => w.id === 'hardware');

    const watched = await openPage(browser);
    const { page } = watched;
    await signIn(watched, web(), 'it-lead@acme.example');
    await page.getByRole('link', { name: 'Division of work' }).click();
    await page.getByRole('heading', { name: 'Division of work', level: 1 }).waitFor();
    const workloads = page.getByRole('table', { name: /Workloads/ });
    await expect
      .poll(
        async () =>
          (await workloads
            .getByRole('row')
            .filter({ has: page.getByRole('rowheader', { name: /^hardware/ }) })
            .textContent()) ?? '',
      )
      .toContain('Internal IT');
    console.log(`division of work, current version: ${await checkPage(watched, 'division of work current')}`);

    // A broken field: the problem is named by its path, as the API's 400 names it.
    await page.getByRole('link', { name: 'Edit' }).click();
    const editor = page.getByRole('textbox', { name: 'Division of work (YAML)' });
    await editor.waitFor();
    // Completion comes from the API's schema: a new top-level key offers the document's fields.
    await editor.click();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.insertText('\noverf');
    await page.getByRole('option', { name: /overflowLimit/ }).waitFor();
    await page.keyboard.press('Escape');
    const current = await yamlOf(DOW);
    await replaceDraft(page, withHardwareOwner(current, 'msp'));
    const problems = page.getByRole('list', { name: 'Problems' });
    await expect
      .poll(() => problems.textContent(), { timeout: 10_000 })
      .toContain(`workloads.${hardwareIndex}.owner: owner must be 'partner' or 'internal'`);
    await expect(
      page.getByRole('button', { name: /Go to line \d+ \(workloads\.\d+\.owner\)/ }).count(),
    ).resolves.toBe(1);
    console.log(
      `editor with a broken field: ${await checkPage(watched, 'division of work editor with a problem')}`,
    );

    // Fixed: hardware to the partner. The what-if replays the month of the tickets above.
    await replaceDraft(page, withHardwareOwner(current, 'partner'));
    const verdict = () =>
      page
        .getByRole('status')
        .filter({ hasText: /Valid|problem|Checking/ })
        .textContent();
    await expect.poll(verdict, { timeout: 10_000 }).toBe('Valid: it would become version 2.');
    await expect(problems.count()).resolves.toBe(0);
    // The draft survives a visit to the readable page.
    await page.getByRole('link', { name: 'Current version' }).click();
    await page.getByRole('table', { name: /Workloads/ }).waitFor();
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByText('Your unsaved draft is back.').waitFor();
    await expect.poll(verdict, { timeout: 10_000 }).toBe('Valid: it would become version 2.');
    await page.getByLabel('Month').fill(before[0]!.receivedAt.slice(0, 7));
    await page.getByRole('button', { name: 'Run what-if' }).click();
    const changed = page.getByRole('table', { name: /would be routed differently/ });
    await changed.waitFor({ timeout: 20_000 });
    for (const t of before) {
      const row = changed
        .getByRole('row')
        .filter({ has: page.getByRole('link', { name: t.key, exact: true }) });
      await expect(row.textContent()).resolves.toContain('Internal IT → MSP partner');
      await expect(row.getByRole('link', { name: t.key }).getAttribute('href')).resolves.toBe(
        `/tickets/${t.id}`,
      );
    }
    const [shareBefore, shareAfter] = (await cellsOf(page, 'Before and after', 'Partner share')).map((c) =>
      Number.parseFloat(c),
    );
    expect(shareAfter).toBeGreaterThan(shareBefore!);
    const [hitsBefore, hitsAfter] = await cellsOf(page, 'Hits per workload', 'hardware');
    expect(Number(hitsAfter)).toBe(Number(hitsBefore));
    expect(Number(hitsBefore)).toBeGreaterThanOrEqual(before.length);
    console.log(`what-if of the draft: ${await checkPage(watched, 'division of work what-if')}`);

    // Saving shows what changes and asks for a note; it publishes version 2.
    await page.getByRole('button', { name: 'Review and save as version 2' }).click();
    const review = page.getByRole('form', { name: 'Save as version 2' });
    await expect(review.textContent()).resolves.toContain(
      "workload 'hardware' owner: 'internal' → 'partner'",
    );
    await page.getByLabel('Note').fill('The MSP has a hardware depot now.');
    console.log(`saving, with its summary: ${await checkPage(watched, 'division of work save review')}`);
    await page.getByRole('button', { name: 'Publish version 2' }).click();
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'published' }).textContent(), {
        timeout: 10_000,
      })
      .toContain('Version 2 published');

    // The history says who, when, what and why; the diff shows the one changed line.
    const versions = page.getByRole('table', { name: 'Every version, newest first' });
    const v2 = versions.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /^v2/ }) });
    await expect
      .poll(() => v2.textContent(), { timeout: 10_000 })
      .toMatch(/it-lead@acme\.example.*workload 'hardware' owner.*The MSP has a hardware depot now\./);
    const diff = page.getByRole('table', { name: /Version 1 → version 2/ });
    const changedLines = async (kind: 'added' | 'removed') =>
      (await diff.getByRole('row').filter({ hasText: kind }).allTextContents()).map((t) =>
        t.replace(/^\d*[+−](added|removed)/, '').trim(),
      );
    // The version, when it applies from, and hardware's owner.
    await expect(diff.getByRole('caption').textContent()).resolves.toContain(
      '3 lines added, 3 lines removed',
    );
    expect(await changedLines('added')).toEqual(expect.arrayContaining(['version: 2', 'owner: partner']));
    expect(await changedLines('removed')).toEqual(expect.arrayContaining(['version: 1', 'owner: internal']));
    expect(new URL(page.url()).pathname).toBe('/division-of-work/versions');
    console.log(`history with a diff: ${await checkPage(watched, 'division of work history')}`);

    // The next hardware ticket is routed to the partner, citing version 2.
    const next = await hardwareTicket(3);
    expect([next.owner, next.workload, next.routing.divisionOfWorkVersion]).toEqual([
      'partner',
      'hardware',
      2,
    ]);
  });

  it('shows leadership the page read-only, on a phone: no editor, and the API refuses its PUT', async () => {
    const watched = await openPage(browser, { phone: true });
    const { page } = watched;
    await signIn(watched, web(), 'coo@acme.example');
    await page.getByRole('link', { name: 'Division of work' }).click();
    await page.getByRole('heading', { name: 'Division of work', level: 1 }).waitFor();
    await page.getByRole('table', { name: /Workloads/ }).waitFor();
    const coo = await mintToken(dataDir, [
      '--tenant',
      'acme',
      '--role',
      'leadership',
      '--email',
      'coo@acme.example',
    ]);
    const { version } = (await api(system.endpoints.http, coo).get(DOW)).body as { version: number };
    await page.getByRole('heading', { name: `Acme Corp: version ${version}` }).waitFor();
    const tabs = page.getByRole('navigation', { name: 'Division of work' }).getByRole('link');
    expect((await tabs.allTextContents()).map((t) => t.trim())).toEqual(['Current version', 'History']);
    console.log(
      `division of work for leadership: ${await checkPage(watched, 'division of work leadership')}`,
    );

    await page.goto(`${web()}division-of-work/edit`);
    await page.getByRole('alert').filter({ hasText: 'Only internal IT edits' }).waitFor();
    await expect(page.getByRole('textbox', { name: 'Division of work (YAML)' }).count()).resolves.toBe(0);

    await page.getByRole('link', { name: 'History' }).click();
    await page.getByRole('table', { name: 'Every version, newest first' }).waitFor();

    const put = await fetch(`${system.endpoints.http}${DOW}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${coo}`, 'content-type': 'application/yaml' },
      body: await yamlOf(DOW),
    });
    expect(put.status).toBe(403);
  });

  it('loads CodeMirror only with the editor: neither the first load nor the readable page carries it', async () => {
    const js = await divisionOfWorkJs();
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
    console.log(
      `division of work JS (gzip): page ${kb(js.page.gzip)} (${js.page.files.join(', ')}), editor ${kb(js.editor.gzip)} (${js.editor.files.join(', ')})`,
    );
    expect(js.page.files).toHaveLength(1);
    expect(js.editor.files.some((f) => f.startsWith('codemirror-'))).toBe(true);
    expect([...js.firstLoad, ...js.page.files].some((f) => f.startsWith('codemirror-'))).toBe(false);
  });
});
