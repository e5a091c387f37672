import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
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
 * Email intake end to end: real SMTP on loopback into the local runtime, as a mail client
 * would send it, then the API and the outbox folder show what happened.
 * Over 400 lines: one running system serves every flow, and later flows answer the tickets,
 * acknowledgements and alerts that earlier ones created.
 */
let dataDir: string;
let system: RunningSystem;
let internal: string;
let partner: string;
let smtp: ReturnType<typeof nodemailer.createTransport>;

const mint = (args: string[]) => mintToken(dataDir, args);

const it_ = () => api(system.endpoints.http, internal);

async function send(mail: Parameters<typeof smtp.sendMail>[0]) {
  return smtp.sendMail({ to: 'support@acme.example', ...mail });
}

async function sendRaw(raw: string | Buffer, from = 'someone@example.net', to = ['support@acme.example']) {
  return smtp.sendMail({ envelope: { from, to }, raw });
}

async function ticketsBy(email: string) {
  const page = await it_().get('/v1/tenants/acme/tickets?limit=100');
  return page.body.items.filter((t: { requester: { email: string } }) => t.requester.email === email);
}

async function outboxFiles(): Promise<string[]> {
  try {
    return await readdir(join(dataDir, 'outbox'));
  } catch {
    return [];
  }
}

type Handled = { outcome: string; ticketId?: string; acknowledged?: boolean; previous?: string | null };

/**
 * What the email handler reported as it finished each mail (its "mail received" log line, one
 * outcome per tenant). A mail's report is the sign that its processing is over, so a test waits
 * for it before asserting that something did not happen.
 */
function handled(): Handled[] {
  return system
    .output()
    .split('\n')
    .flatMap((line) => {
      try {
        const entry = JSON.parse(line);
        return entry?.message === 'mail received' ? (entry.results as Handled[]) : [];
      } catch {
        return [];
      }
    });
}

/** Waits until the email handler has finished `count` mails about ticket `ticketId`. */
function handledFor(ticketId: string, count = 1): Promise<Handled[]> {
  return eventually(
    async () => handled().filter((r) => r.ticketId === ticketId || r.previous === `created:${ticketId}`),
    (l) => l.length >= count,
  );
}

async function acksTo(address: string): Promise<string[]> {
  const out: string[] = [];
  for (const f of await outboxFiles()) {
    const text = await readFile(join(dataDir, 'outbox', f), 'utf8');
    if (text.includes(`To: ${address}`)) out.push(text);
  }
  return out;
}

beforeAll(async () => {
  dataDir = await newDataDir();
  system = await startSystem(dataDir, { PSA_CLOCK_START: '2026-11-03T15:00:00Z', PSA_LOG_LEVEL: 'INFO' });
  internal = await mint(['--tenant', 'acme', '--role', 'internal', '--email', 'it@acme.example']);
  partner = await mint(['--tenant', 'acme', '--role', 'partner', '--email', 'dispatch@msp.example']);
  // INFO: the email handler's report of each mail it finished is a log line (see handled()).
  const port = Number(new URL(system.endpoints.smtp!).port);
  smtp = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
});

afterAll(async () => {
  smtp?.close();
  await system?.stop();
  await removeDataDir(dataDir);
});

describe('a person writes to support', () => {
  it('opens a ticket with the sender as requester and acknowledges it with the ticket token', async () => {
    await send({
      from: '"Alice Adams" <alice@acme.example>',
      replyTo: 'alice.home@example.net',
      subject: 'Locked out of my account',
      text: 'I forgot my password and now I am locked out.',
      messageId: '<first-1@mail.acme.example>',
      attachments: [
        {
          filename: 'screenshot.png',
          content: Buffer.from('89504e470d0a1a0a', 'hex'),
          contentType: 'image/png',
        },
      ],
    });
    const [t] = await eventually(
      () => ticketsBy('alice@acme.example'),
      (l) => l.length === 1 && l[0].owner !== null,
    );
    expect(t).toMatchObject({
      channel: 'email',
      subject: 'Locked out of my account',
      owner: 'partner',
      replyTo: 'alice.home@example.net',
    });
    expect(t.requester).toEqual({ email: 'alice@acme.example', name: 'Alice Adams' });
    const full = (await it_().get(`/v1/tenants/acme/tickets/${t.id}`)).body;
    expect(full.messages).toHaveLength(1);
    expect(full.messages[0].text).toContain('I forgot my password');
    expect(full.messages[0].attachments).toEqual([
      expect.objectContaining({ name: 'screenshot.png', contentType: 'image/png', size: 8, stored: true }),
    ]);
    const file = await fetch(
      `${system.endpoints.http}/v1/tenants/acme/tickets/${t.id}/attachments/${full.messages[0].attachments[0].id}`,
      { headers: { authorization: `Bearer ${partner}` } },
    );
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).toString('hex')).toBe('89504e470d0a1a0a');
    // The acknowledgement goes to Reply-To, carries the token and says it is automatic.
    const [ack] = await eventually(
      () => acksTo('alice.home@example.net'),
      (a) => a.length === 1,
    );
    expect(ack).toContain(`[${t.key}]`);
    expect(ack).toMatch(/^Auto-Submitted: auto-replied/m);
    expect(ack).toMatch(/^In-Reply-To: <first-1@mail\.acme\.example>/m);
  });

  it('refuses mail for an address that is no tenant’s support address, at RCPT TO', async () => {
    await expect(
      send({ to: 'nobody@unknown.example', from: 'x@example.net', subject: 'hi', text: 'hi' }),
    ).rejects.toMatchObject({
      responseCode: 550,
    });
  });

  it('accepts plus-addressed support mail for the same tenant', async () => {
    await send({
      to: 'support+billing@acme.example',
      from: 'pat@acme.example',
      subject: 'VPN down',
      text: 'VPN will not connect',
    });
    await eventually(
      () => ticketsBy('pat@acme.example'),
      (l) => l.length === 1,
    );
  });
});

describe('threading', () => {
  it('adds a reply with the ticket token to its ticket and trims the quoted history', async () => {
    const [t] = await ticketsBy('alice@acme.example');
    await send({
      from: 'alice@acme.example',
      subject: `Re: [${t.key}] Locked out of my account`,
      text: 'It happened again this morning.\n\nOn Tue, Nov 3, 2026 at 10:00 AM Support <support@acme.example> wrote:\n> We received your request\n> and opened a ticket.',
    });
    const full = await eventually(
      async () => (await it_().get(`/v1/tenants/acme/tickets/${t.id}`)).body,
      (b) => b.messages.length === 2,
    );
    expect(full.messages[1].text).toContain('It happened again this morning.');
    expect(full.messages[1].text).not.toContain('We received your request');
    expect(await ticketsBy('alice@acme.example')).toHaveLength(1);
  });

  it('threads a reply to the acknowledgement by In-Reply-To even with another subject and no References', async () => {
    const [t] = await ticketsBy('alice@acme.example');
    const ack = (await acksTo('alice.home@example.net'))[0]!;
    const ackId = /^Message-ID: <([^>]+)>/im.exec(ack)![1];
    await send({
      from: 'alice.home@example.net',
      subject: 'still broken',
      text: 'Any news?',
      inReplyTo: `<${ackId}>`,
    });
    await eventually(
      async () => (await it_().get(`/v1/tenants/acme/tickets/${t.id}`)).body,
      (b) => b.messages.length === 3,
    );
  });

  it('threads a reply from another ticketing system that only keeps References', async () => {
    const [t] = await ticketsBy('alice@acme.example');
    await send({
      from: 'helpdesk@vendor.example',
      subject: 'Your case 99812 was updated',
      text: 'We have looked into it.',
      references: ['<unrelated@vendor.example>', '<first-1@mail.acme.example>'],
    });
    await eventually(
      async () => (await it_().get(`/v1/tenants/acme/tickets/${t.id}`)).body,
      (b) => b.messages.length === 4,
    );
  });

  it('resumes a ticket waiting on the requester when they reply', async () => {
    const [t] = await ticketsBy('pat@acme.example');
    await eventually(
      () => it_().get(`/v1/tenants/acme/tickets/${t.id}`),
      (r) => r.body.owner !== null,
    );
    expect(
      (await it_().post(`/v1/tenants/acme/tickets/${t.id}/status`, { status: 'waiting_on_customer' })).status,
    ).toBe(200);
    await send({
      from: 'pat@acme.example',
      subject: `Re: [${t.key}] VPN down`,
      text: 'Here is the info you asked for.',
    });
    const after = await eventually(
      () => it_().get(`/v1/tenants/acme/tickets/${t.id}`),
      (r) => r.body.status === 'in_progress',
    );
    expect(after.body.history.at(-1)).toMatchObject({
      from: 'waiting_on_customer',
      to: 'in_progress',
      by: { role: 'requester' },
    });
  });
});

describe('duplicates and loops', () => {
  it('makes one ticket of a message delivered twice', async () => {
    const mail = {
      from: 'dup@acme.example',
      subject: 'Printer jammed',
      text: 'jammed',
      messageId: '<dup-1@acme.example>',
    };
    await send(mail);
    await send(mail);
    const [t] = await eventually(
      () => ticketsBy('dup@acme.example'),
      (l) => l.length === 1,
    );
    // both deliveries finished: the second one found the first (or its ticket) and made no other
    await handledFor(t.id, 2);
    expect(await ticketsBy('dup@acme.example')).toHaveLength(1);
  });

  it.each([
    ['Auto-Submitted: auto-generated', { 'Auto-Submitted': 'auto-generated' }, 'gen@acme.example'],
    ['Precedence: bulk', { Precedence: 'bulk' }, 'bulk@acme.example'],
    ['List-Id', { 'List-Id': '<news.acme.example>' }, 'list@acme.example'],
  ])('opens a ticket but sends no acknowledgement for %s', async (_name, headers, from) => {
    await send({ from, subject: 'Wifi slow on floor 3', text: 'wifi is slow', headers });
    const [t] = await eventually(
      () => ticketsBy(from),
      (l) => l.length === 1,
    );
    expect(await handledFor(t.id)).toEqual([
      expect.objectContaining({ outcome: 'created', acknowledged: false }),
    ]);
    expect(await acksTo(from)).toEqual([]);
  });

  it('never acknowledges a no-reply sender', async () => {
    await send({ from: 'no-reply@saas.example', subject: 'Your password was changed', text: 'notification' });
    const [t] = await eventually(
      () => ticketsBy('no-reply@saas.example'),
      (l) => l.length === 1,
    );
    expect(await handledFor(t.id)).toEqual([
      expect.objectContaining({ outcome: 'created', acknowledged: false }),
    ]);
    expect(await acksTo('no-reply@saas.example')).toEqual([]);
  });

  it('keeps mail from its own support address in quarantine, opens nothing and answers nothing', async () => {
    await send({ from: 'support@acme.example', subject: 'loop?', text: 'own mail' });
    const q = await eventually(
      () => it_().get('/v1/tenants/acme/mail/quarantine'),
      (r) => r.body.items?.some((m: { subject: string }) => m.subject === 'loop?'),
    );
    expect(q.body.items.find((m: { subject: string }) => m.subject === 'loop?').reason).toMatch(
      /own support address/,
    );
    expect(await ticketsBy('support@acme.example')).toEqual([]);
    expect(await acksTo('support@acme.example')).toEqual([]);
  });

  it('acknowledges one sender at most five times an hour', async () => {
    for (let i = 0; i < 7; i++)
      await send({ from: 'chatty@acme.example', subject: `Question ${i} about Teams`, text: 'teams access' });
    const tickets = await eventually(
      () => ticketsBy('chatty@acme.example'),
      (l) => l.length === 7,
    );
    // every one of the seven finished (an acknowledgement is mailed before its mail's report)
    const reports = await Promise.all(tickets.map((t: { id: string }) => handledFor(t.id)));
    expect(reports.flat().filter((r) => r.acknowledged)).toHaveLength(5);
    expect(await acksTo('chatty@acme.example')).toHaveLength(5);
  });

  it('attaches a bounce of an acknowledgement to its ticket as a note and opens nothing', async () => {
    const [t] = await ticketsBy('pat@acme.example');
    const ack = (await acksTo('pat@acme.example'))[0]!;
    const ackId = /^Message-ID: <([^>]+)>/im.exec(ack)![1];
    const dsn = [
      'From: Mail Delivery System <MAILER-DAEMON@mx.acme.example>',
      'To: support@acme.example',
      'Subject: Undelivered Mail Returned to Sender',
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      '--b1',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.acme.example',
      '',
      'Final-Recipient: rfc822; pat@acme.example',
      'Action: failed',
      'Status: 5.1.1',
      '--b1',
      'Content-Type: text/rfc822-headers',
      '',
      `Message-ID: <${ackId}>`,
      `Subject: [${t.key}] VPN down`,
      '--b1--',
      '',
    ].join('\r\n');
    const before = (await it_().get(`/v1/tenants/acme/tickets/${t.id}`)).body.messages.length;
    await sendRaw(dsn, '');
    const after = await eventually(
      async () => (await it_().get(`/v1/tenants/acme/tickets/${t.id}`)).body,
      (b) => b.messages.length === before + 1,
    );
    expect(after.messages.at(-1).kind).toBe('bounce');
    expect(await ticketsBy('mailer-daemon@mx.acme.example')).toEqual([]);
  });

  it('attaches an out-of-office reply to its ticket and opens nothing', async () => {
    const [t] = await ticketsBy('dup@acme.example');
    await send({
      from: 'dup@acme.example',
      subject: `Automatic reply: [${t.key}] Printer jammed`,
      text: 'I am out of the office until Monday.',
      headers: { 'Auto-Submitted': 'auto-replied', 'X-Autoreply': 'yes' },
    });
    const full = await eventually(
      async () => (await it_().get(`/v1/tenants/acme/tickets/${t.id}`)).body,
      (b) => b.messages.some((m: { kind: string }) => m.kind === 'auto-reply'),
    );
    expect(full.status).not.toBe('in_progress');
    expect(await ticketsBy('dup@acme.example')).toHaveLength(1);
  });
});

describe('monitoring alerts', () => {
  it('folds repeats of one alert into one open ticket with an occurrence count', async () => {
    for (let i = 1; i <= 3; i++) {
      await send({
        from: 'veeam@backup.acme.example',
        subject: `[Veeam] Backup job FS01 failed (attempt ${i})`,
        text: `Backup job FS01 failed at 0${i}:00`,
      });
    }
    const [t] = await eventually(
      () => ticketsBy('veeam@backup.acme.example'),
      (l) => l.length === 1 && l[0].occurrences === 3,
    );
    expect(t.workload).toBe('monitoring-alert');
    expect(t.alert).toEqual({ rule: 'monitoring-tools' });
    expect((await handledFor(t.id, 3)).map((r) => r.outcome).sort()).toEqual(['created', 'folded', 'folded']);
    expect(await acksTo('veeam@backup.acme.example')).toEqual([]);
    await send({
      from: 'veeam@backup.acme.example',
      subject: '[Veeam] Backup job SQL02 failed',
      text: 'other job',
    });
    await eventually(
      () => ticketsBy('veeam@backup.acme.example'),
      (l) => l.length === 2,
    );
  });

  it('takes the priority from the alert’s own severity', async () => {
    await send({
      from: 'nagios@monitoring.acme.example',
      subject: 'PROBLEM: SQL02 is DOWN',
      text: 'Host unreachable',
    });
    await send({
      from: 'zabbix@monitoring.acme.example',
      subject: 'Warning: disk 80% full on FS01',
      text: 'disk',
    });
    const nagios = await eventually(
      () => ticketsBy('nagios@monitoring.acme.example'),
      (l) => l[0]?.priority != null,
    );
    const zabbix = await eventually(
      () => ticketsBy('zabbix@monitoring.acme.example'),
      (l) => l[0]?.priority != null,
    );
    expect([nagios[0].requestedPriority, nagios[0].priority, nagios[0].workload]).toEqual([
      'P1',
      'P1',
      'monitoring-alert',
    ]);
    expect([zabbix[0].requestedPriority, zabbix[0].priority]).toEqual(['P3', 'P3']);
  });
});

describe('limits and quarantine', () => {
  it('keeps an attachment over the limit only in the raw message and says so on the ticket', async () => {
    await send({
      from: 'big@acme.example',
      subject: 'Logs from the crash',
      text: 'see attached',
      attachments: [{ filename: 'huge.log', content: Buffer.alloc(11 * 1024 * 1024, 65) }],
    });
    const [t] = await eventually(
      () => ticketsBy('big@acme.example'),
      (l) => l.length === 1,
      40_000,
    );
    const full = (await it_().get(`/v1/tenants/acme/tickets/${t.id}`)).body;
    expect(full.messages[0].attachments[0]).toMatchObject({ name: 'huge.log', stored: false });
    expect(full.messages[0].notes.join(' ')).toMatch(/huge\.log.*over the size limit/);
  });

  it('quarantines mail it cannot turn into a ticket, lists it for internal IT, and can re-process it', async () => {
    await sendRaw('Subject: no sender at all\r\n\r\nbody without a From header\r\n', 'bounce@example.net');
    const q = await eventually(
      () => it_().get('/v1/tenants/acme/mail/quarantine'),
      (r) => r.body.items?.some((m: { subject: string }) => m.subject === 'no sender at all'),
    );
    const entry = q.body.items.find((m: { subject: string }) => m.subject === 'no sender at all');
    expect(entry).toMatchObject({ status: 'quarantined', reason: expect.stringMatching(/From/) });
    expect((await api(system.endpoints.http, partner).get('/v1/tenants/acme/mail/quarantine')).status).toBe(
      403,
    );
    const again = await it_().post(`/v1/tenants/acme/mail/quarantine/${entry.id}/reprocess`, {});
    expect(again.status).toBe(200);
    expect(again.body.outcome).toBe('quarantined');
  });
});
