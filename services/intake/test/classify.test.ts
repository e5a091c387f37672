import { type ParsedMail, parseMail } from '@psa/mime/parse';
import { describe, expect, it } from 'vitest';
import { classifyMail, isOwnAddress, quarantineReason } from '../src/domain/email/classify.ts';

/**
 * The loop guards and the kind of a message, on messages parsed by @psa/mime as intake receives
 * them. What the parser reads from each message is tested in packages/mime.
 */
const OWN = ['support@helpdesk.example.com', 'help@acme.example'];

/** A raw message from lines joined with CRLF (template literal lines are trimmed of a common indent). */
function eml(text: string): Uint8Array {
  return Buffer.from(text.replace(/^\n/, '').replace(/\r?\n/g, '\r\n'), 'utf8');
}

async function parsed(raw: Uint8Array | string): Promise<ParsedMail> {
  const result = await parseMail(typeof raw === 'string' ? eml(raw) : raw);
  if (!result.ok) throw new Error(`expected a parse, got: ${result.reason}`);
  return result.mail;
}

function simple(headers: string, body = 'Hello, my printer is broken.'): string {
  return `From: Jane Doe <jane@customer.example>
To: support@helpdesk.example.com
Subject: Printer broken
Message-ID: <m1@customer.example>
Date: Tue, 03 Jun 2025 10:00:00 +0200
${headers ? `${headers}\n` : ''}
${body}
`;
}

describe('classifyMail: loop guards', () => {
  const classify = async (headers: string, opts: { subject?: string; from?: string; body?: string } = {}) => {
    let text = simple(headers, opts.body);
    if (opts.subject !== undefined)
      text = text.replace('Subject: Printer broken', `Subject: ${opts.subject}`);
    if (opts.from !== undefined)
      text = text.replace('From: Jane Doe <jane@customer.example>', `From: ${opts.from}`);
    return classifyMail(await parsed(text), OWN);
  };

  it('lets ordinary mail through', async () => {
    expect(await classify('')).toEqual({
      kind: 'normal',
      noAutoReply: false,
      reasons: [],
      originalMessageId: null,
    });
    expect((await classify('Auto-Submitted: no')).noAutoReply).toBe(false);
    expect((await classify('', { subject: 'Re: our out of office calendar is wrong' })).kind).toBe('normal');
  });

  it('RFC 3834 Auto-Submitted other than no', async () => {
    const replied = await classify('Auto-Submitted: auto-replied\nIn-Reply-To: <t-9@helpdesk.example.com>');
    expect(replied.kind).toBe('auto-reply');
    expect(replied.noAutoReply).toBe(true);
    expect(replied.originalMessageId).toBe('t-9@helpdesk.example.com');
    const generated = await classify('Auto-Submitted: auto-generated');
    expect(generated).toMatchObject({ kind: 'normal', noAutoReply: true });
    expect(generated.reasons[0]).toMatch(/Auto-Submitted/);
  });

  it('Precedence bulk, junk and list; List-Id; List-Unsubscribe', async () => {
    for (const p of ['bulk', 'junk', 'list']) {
      expect(await classify(`Precedence: ${p}`)).toMatchObject({ kind: 'list', noAutoReply: true });
    }
    expect(await classify('List-Id: Users <users.lists.example.org>')).toMatchObject({ kind: 'list' });
    expect(await classify('List-Unsubscribe: <mailto:leave@lists.example.org>')).toMatchObject({
      kind: 'list',
    });
  });

  it('X-Autoreply, X-Autorespond and X-Auto-Response-Suppress', async () => {
    expect(await classify('X-Autoreply: yes')).toMatchObject({ kind: 'auto-reply', noAutoReply: true });
    expect(await classify('X-Autorespond: vacation')).toMatchObject({
      kind: 'auto-reply',
      noAutoReply: true,
    });
    expect(await classify('X-Auto-Response-Suppress: All')).toMatchObject({
      kind: 'normal',
      noAutoReply: true,
    });
    expect(await classify('X-Auto-Response-Suppress: OOF, DR')).toMatchObject({ noAutoReply: true });
    expect((await classify('X-Auto-Response-Suppress: DR')).noAutoReply).toBe(false);
  });

  it('mail system and no-reply senders', async () => {
    expect(await classify('', { from: 'MAILER-DAEMON@mx.example.net', subject: 'Warning' })).toMatchObject({
      kind: 'bounce',
      noAutoReply: true,
    });
    expect(await classify('', { from: 'postmaster@example.net' })).toMatchObject({ noAutoReply: true });
    for (const from of [
      'no-reply@shop.example',
      'noreply@shop.example',
      'do-not-reply@x.example',
      'DoNotReply@x.example',
    ]) {
      const c = await classify('', { from });
      expect(c.noAutoReply, from).toBe(true);
      expect(c.kind, from).toBe('normal');
    }
  });

  it('subjects of automatic replies and bounces', async () => {
    for (const subject of [
      'Auto: Printer broken',
      'Automatic reply: Printer broken',
      'Out of Office: Printer broken',
      'Abwesenheitsnotiz: Drucker',
      'Réponse automatique : Imprimante',
    ]) {
      expect((await classify('', { subject })).kind, subject).toBe('auto-reply');
    }
    for (const subject of [
      'Undeliverable: Printer broken',
      'Delivery Status Notification (Failure)',
      'Mail delivery failed: returning message to sender',
    ]) {
      expect((await classify('', { subject })).kind, subject).toBe('bounce');
    }
  });

  it('the system’s own addresses, plus-addressed forms included', async () => {
    expect(await classify('', { from: 'Support <support@helpdesk.example.com>' })).toMatchObject({
      kind: 'own',
      noAutoReply: true,
    });
    expect((await classify('', { from: 'SUPPORT+acme-1042@Helpdesk.Example.com' })).kind).toBe('own');
    expect((await classify('', { from: 'supporter@helpdesk.example.com' })).kind).toBe('normal');
    expect((await classify('X-Loop: support@helpdesk.example.com')).kind).toBe('own');
    expect(isOwnAddress('anything@acme.example', ['@acme.example'])).toBe(true);
    expect(isOwnAddress('x@evil-acme.example', ['@acme.example'])).toBe(false);
  });

  it('a DSN bounce (multipart/report) names the original Message-ID from the returned message', async () => {
    const mail = await parsed(`From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
To: support@helpdesk.example.com
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
Content-Type: multipart/report; report-type=delivery-status; boundary="r"

--r
Content-Type: text/plain

I'm sorry to have to inform you that your message could not be delivered.
--r
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; gone@customer.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 user unknown
--r
Content-Type: message/rfc822

From: support@helpdesk.example.com
To: gone@customer.example
Subject: [ACME-1042] We received your request
Message-ID: <t-1042.ack@helpdesk.example.com>

Thanks.
--r--
`);
    const c = classifyMail(mail, OWN);
    expect(c.kind).toBe('bounce');
    expect(c.noAutoReply).toBe(true);
    expect(c.originalMessageId).toBe('t-1042.ack@helpdesk.example.com');
  });

  it('a bounce with text/rfc822-headers, and a read receipt (MDN), name the original too', async () => {
    const headersOnly = await parsed(`From: postmaster@mx.example.net
Subject: Delivery Status Notification (Failure)
Content-Type: multipart/report; report-type=delivery-status; boundary="r"

--r
Content-Type: text/plain

Delivery failed.
--r
Content-Type: text/rfc822-headers

From: support@helpdesk.example.com
Message-ID: <ack-77@helpdesk.example.com>
Subject: hello
--r--
`);
    expect(classifyMail(headersOnly, OWN)).toMatchObject({
      kind: 'bounce',
      originalMessageId: 'ack-77@helpdesk.example.com',
    });

    const mdn = await parsed(`From: Jane <jane@customer.example>
Subject: Read: [ACME-5] hello
Content-Type: multipart/report; report-type=disposition-notification; boundary="r"

--r
Content-Type: text/plain

Your message was displayed.
--r
Content-Type: message/disposition-notification

Final-Recipient: rfc822; jane@customer.example
Original-Message-ID: <ack-5@helpdesk.example.com>
Disposition: manual-action/MDN-sent-manually; displayed
--r--
`);
    expect(classifyMail(mdn, OWN)).toMatchObject({
      kind: 'auto-reply',
      originalMessageId: 'ack-5@helpdesk.example.com',
    });
  });

  it('quarantineReason: no usable sender, or nothing in the message', async () => {
    expect(quarantineReason(await parsed('Subject: x\n\nhi'))).toMatch(/no From header/);
    expect(quarantineReason(await parsed('From: Moderator-Address\nSubject: x\n\nhi'))).toMatch(
      /names no email address/,
    );
    expect(quarantineReason(await parsed('From: Moderator-Address <moderator>\nSubject: x\n\nhi'))).toMatch(
      /not an email address/,
    );
    expect(quarantineReason(await parsed('From: a@x.example\nX-Empty: 1\n\n'))).toMatch(/empty message/);
    expect(quarantineReason(await parsed(simple('')))).toBeNull();
    expect(quarantineReason(await parsed('From: a@x.example\r\nSubject: just headers'))).toBeNull();
  });
});
