import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseMail } from '@psa/mime/parse';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  eventually,
  mintToken,
  newDataDir,
  type RunningSystem,
  removeDataDir,
  startSystem,
} from './support/system.ts';

/**
 * Issue 12's measures through the local runtime: a November with tickets, a folded monitoring
 * alert and a pulse answered by the link of its invitation mail; then the runtime starts again
 * on 1 December, November closes, and its digest lands in the outbox folder as an `.eml`.
 */
let dataDir: string;
let system: RunningSystem;

const outbox = async () => {
  try {
    return await readdir(join(dataDir, 'outbox'));
  } catch {
    return [];
  }
};
const mailTo = async (address: string, subject: RegExp) => {
  const found: { file: string; raw: Buffer }[] = [];
  for (const file of await outbox()) {
    const raw = await readFile(join(dataDir, 'outbox', file));
    const head = raw.toString('utf8', 0, Math.min(raw.length, 4000));
    if (head.includes(`To: ${address}`) && subject.test(head)) found.push({ file, raw });
  }
  return found;
};

beforeAll(async () => {
  dataDir = await newDataDir();
  // Wednesday 25 November, 10:00 in New York: the pulse opens today.
  system = await startSystem(dataDir, { PSA_CLOCK_START: '2026-11-25T15:00:00Z' });
});

afterAll(async () => {
  await system?.stop();
  await removeDataDir(dataDir);
});

describe('alert quality, the team pulse and the monthly digest', () => {
  it('asks internal IT the pulse by mail, counts alerts, and mails leadership the closed month once', async () => {
    const internal = await mintToken(dataDir, [
      '--tenant',
      'acme',
      '--role',
      'internal',
      '--email',
      'it@acme.example',
    ]);
    const leadership = await mintToken(dataDir, [
      '--tenant',
      'acme',
      '--role',
      'leadership',
      '--email',
      'coo@acme.example',
    ]);
    const it_ = api(system.endpoints.http, internal);
    for (const [subject, body] of [
      ['Password reset', 'I forgot my password and my account is locked out'],
      ['New laptop', 'My laptop screen is broken, I need a replacement laptop'],
    ]) {
      expect(
        (
          await it_.post('/v1/tenants/acme/tickets', {
            subject,
            body,
            requester: { email: 'pat@acme.example' },
          })
        ).status,
      ).toBe(201);
    }
    const smtp = nodemailer.createTransport(system.endpoints.smtp!);
    for (const attempt of [1, 2, 3]) {
      await smtp.sendMail({
        from: 'veeam@backup.acme.example',
        to: 'support@acme.example',
        subject: `[Veeam] Backup job FS01 failed (attempt ${attempt})`,
        text: 'Backup job FS01 failed',
      });
    }
    smtp.close();

    // The pulse invitation: one mail to the internal IT person the division of work names.
    const [invitation] = await eventually(
      () => mailTo('it-lead@acme.example', /Subject: Team pulse for 2026-11/),
      (l) => l.length === 1,
    );
    const parsed = await parseMail(invitation!.raw);
    if (!parsed.ok) throw new Error(parsed.reason);
    const token = /\/pulse\/([A-Za-z0-9_-]{43})/.exec(parsed.mail.text)?.[1];
    expect(token).toBeDefined();
    const open = api(system.endpoints.http);
    expect((await open.get(`/public/pulse/${token}`)).body).toMatchObject({
      month: '2026-11',
      answered: false,
    });
    const answer = await open.post(`/public/pulse/${token}`, { score: 4, comment: 'Evenings were quiet.' });
    expect(answer.body).toEqual({ month: '2026-11', score: 4, created: true });

    const boss = api(system.endpoints.http, leadership);
    await eventually(
      () => boss.get('/v1/tenants/acme/reports/relief?month=2026-11'),
      (r) => r.body.totalTickets === 3 && r.body.alertQuality.occurrences === 3,
    );
    // The alert cleared itself: closed with no reply or note, so without action.
    const alerts = await it_.get('/v1/tenants/acme/tickets?limit=10');
    const alert = alerts.body.items.find((t: { alert?: unknown }) => t.alert);
    expect(
      (await it_.post(`/v1/tenants/acme/tickets/${alert.id}/status`, { status: 'resolved' })).status,
    ).toBe(200);
    const november = await eventually(
      () => boss.get('/v1/tenants/acme/reports/relief?month=2026-11'),
      (r) => r.body.alertQuality.closed === 1,
    );
    expect(november.body.alertQuality).toMatchObject({
      tickets: 1,
      occurrences: 3,
      folded: 2,
      closedWithoutAction: 1,
      closedWithoutActionShare: 1,
    });
    expect(november.body.pulse).toMatchObject({ count: 1, mean: 4, comments: ['Evenings were quiet.'] });

    // 1 December: November closes at the first hourly run, and its digest goes out.
    await system.stop();
    system = await startSystem(dataDir, { PSA_CLOCK_START: '2026-12-01T15:00:00Z' });
    const [digest] = await eventually(
      () => mailTo('coo@acme.example', /Subject: Acme Corp: the partnership in 2026-11/),
      (l) => l.length === 1,
      30_000,
    );
    const raw = digest!.raw.toString('utf8');
    expect(raw).toMatch(/Content-Type: multipart\/alternative/);
    expect(raw).toMatch(/Content-Type: text\/plain/);
    expect(raw).toMatch(/Content-Type: text\/html/);
    expect(raw).not.toMatch(/<img|cid:/i);
    const mail = await parseMail(digest!.raw);
    if (!mail.ok) throw new Error(mail.reason);
    const share = `${Math.round(november.body.partnerShare * 1000) / 10}%`;
    expect(mail.mail.text).toContain(`Partner share: ${share}`);
    expect(mail.mail.text).toContain(`Internal hours freed: ${november.body.internalHoursFreed} h`);
    expect(mail.mail.text).toContain('Alert tickets: 1 (3 alerts, 2 repeats folded)');
    expect(mail.mail.text).toContain('"Evenings were quiet."');
    expect(mail.mail.text).toContain(`${system.endpoints.http}/dashboard?month=2026-11`);
    expect(mail.mail.html).toContain('Tickets by owner, 2026-11');
    // A later start publishes nothing again: one digest for the month.
    await system.stop();
    system = await startSystem(dataDir, { PSA_CLOCK_START: '2026-12-01T17:00:00Z' });
    expect(await mailTo('coo@acme.example', /Subject: Acme Corp: the partnership in 2026-11/)).toHaveLength(
      1,
    );
  });
});
