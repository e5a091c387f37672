import { describe, expect, it } from 'vitest';
import { decodeBytes, decodeHeaderText, decodeUtf7 } from '../src/charset.ts';
import { htmlToReadableText, sanitizeMailHtml } from '../src/html.ts';
import { type ParsedMail, parseMail } from '../src/parse.ts';
import { trimQuotedReply } from '../src/quote.ts';

const MB = 1024 * 1024;

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

describe('parseMail: headers', () => {
  it('reads requester, Reply-To, recipients, ids and date', async () => {
    const mail = await parsed(`From: "Doe, Jane" <Jane.Doe@Customer.example>
Reply-To: Jane Private <jane@home.example>, team@customer.example
To: Support <support@helpdesk.example.com>, other@x.example
Cc: =?utf-8?Q?J=C3=BCrgen_M=C3=BCller?= <jm@x.example>
Subject: Re: [ACME-1042] printer
Message-ID: < abc.123@mail.customer.example >
In-Reply-To: <t-1042@helpdesk.example.com>
References: <first@x.example>
 <t-1042@helpdesk.example.com>
Date: Tue, 3 Jun 2025 10:00:00 +0200 (CEST)

Still broken.
`);
    expect(mail.from).toEqual({ address: 'Jane.Doe@Customer.example', name: 'Doe, Jane' });
    expect(mail.replyTo).toEqual([
      { address: 'jane@home.example', name: 'Jane Private' },
      { address: 'team@customer.example', name: '' },
    ]);
    expect(mail.to.map((a) => a.address)).toEqual(['support@helpdesk.example.com', 'other@x.example']);
    expect(mail.cc).toEqual([{ address: 'jm@x.example', name: 'Jürgen Müller' }]);
    expect(mail.messageId).toBe('abc.123@mail.customer.example');
    expect(mail.inReplyTo).toEqual(['t-1042@helpdesk.example.com']);
    expect(mail.references).toEqual(['first@x.example', 't-1042@helpdesk.example.com']);
    expect(mail.date).toBe('2025-06-03T08:00:00.000Z');
    expect(mail.text).toBe('Still broken.');
    expect(mail.html).toBeNull();
  });

  it('decodes encoded-word subjects: B and Q, adjacent words joined, mixed charsets', async () => {
    const mail = await parsed(
      simple('').replace(
        'Subject: Printer broken',
        'Subject: =?UTF-8?B?RHJ1Y2tlciBrYXB1dHQg4oCT?= =?UTF-8?Q?_bitte_hel?=\n =?UTF-8?Q?fen?= =?ISO-8859-1?Q?_Gr=FC=DFe?= (x)',
      ),
    );
    expect(mail.subject).toBe('Drucker kaputt – bitte helfen Grüße (x)');
  });

  it('keeps a multi-byte character split across two encoded words', async () => {
    // "ü" is C3 BC in UTF-8, split over two words
    expect(decodeHeaderText('=?utf-8?B?ww==?= =?utf-8?B?vA==?=')).toBe('ü');
    expect(decodeHeaderText('=?utf-8?Q?=C3?= =?utf-8?Q?=BC?=')).toBe('ü');
  });

  it('reads raw 8-bit headers: UTF-8, or Latin-1 when not valid UTF-8', async () => {
    const latin = Buffer.concat([
      Buffer.from('From: J\xf6rg <j@x.example>\r\nSubject: Gr\xfc\xdfe\r\n\r\nx\r\n', 'latin1'),
    ]);
    const a = await parsed(latin);
    expect(a.subject).toBe('Grüße');
    expect(a.from).toEqual({ address: 'j@x.example', name: 'Jörg' });
    const b = await parsed(Buffer.from('From: j@x.example\r\nSubject: Grüße aus Köln\r\n\r\nx\r\n', 'utf8'));
    expect(b.subject).toBe('Grüße aus Köln');
    const c = await parsed('From: j@x.example\nSubject: =?iso-8859-1?Q?Fr\xf6sche?=\n\nx');
    expect(c.subject).toBe('Frösche');
  });

  it('has a null date for a missing or unreadable Date, and empty values for missing headers', async () => {
    const mail = await parsed('From: a@x.example\nDate: the day after tomorrow\n\nhi');
    expect(mail.date).toBeNull();
    expect(mail.warnings.join(' ')).toMatch(/Date/);
    expect(mail.subject).toBe('');
    expect(mail.messageId).toBeNull();
    expect(mail.inReplyTo).toEqual([]);
    expect((await parsed('From: a@x.example\n\nhi')).date).toBeNull();
  });

  it('gives from: null without a From, and uses Sender when From is missing', async () => {
    expect((await parsed('Subject: no sender\n\nhi')).from).toBeNull();
    expect((await parsed('From: Moderator-Address\nSubject: x\n\nhi')).from).toBeNull();
    const viaSender = await parsed('Sender: Bot <bot@x.example>\nSubject: x\n\nhi');
    expect(viaSender.from).toEqual({ address: 'bot@x.example', name: 'Bot' });
  });

  it('parses a message that is only headers', async () => {
    const mail = await parsed('From: a@x.example\r\nSubject: just headers');
    expect(mail.subject).toBe('just headers');
    expect(mail.text).toBe('');
  });

  it('drops an mbox "From " line before the headers', async () => {
    const mail = await parsed(
      'From a@x.example Mon Jun  2 10:00:00 2025\nFrom: A <a@x.example>\nSubject: s\n\nbody',
    );
    expect(mail.from?.address).toBe('a@x.example');
    expect(mail.text).toBe('body');
  });
});

describe('parseMail: bodies and charsets', () => {
  it('prefers text/plain in multipart/alternative', async () => {
    const mail = await parsed(`From: a@x.example
Subject: alt
Content-Type: multipart/alternative; boundary="b"

--b
Content-Type: text/plain; charset=utf-8

Plain version
--b
Content-Type: text/html; charset=utf-8

<p>HTML <b>version</b></p>
--b--
`);
    expect(mail.text).toBe('Plain version');
    expect(mail.html).toContain('<b>version</b>');
  });

  it('turns HTML-only mail into readable text without tags or scripts, and sanitises the HTML', async () => {
    const mail = await parsed(`From: a@x.example
Subject: html
Content-Type: text/html; charset=utf-8

<html><head><title>T</title><style>p { color: red }</style><script>alert("x")</script></head>
<body onload="steal()"><h1>Outage report</h1><p>The <a href="https://status.example.com/i/7">status page</a> says
&quot;degraded&quot; &amp; <b>slow</b>.</p><img src="https://tracker.example/p.gif" alt="pixel">
<table><tr><td>Server</td><td>web-01</td></tr></table>
<a href="javascript:alert(1)" onclick="x()">click</a><iframe src="https://evil.example"></iframe></body></html>
`);
    expect(mail.text).toContain('Outage report');
    expect(mail.text).not.toContain('OUTAGE REPORT');
    expect(mail.text).toContain('The status page says "degraded" & slow.');
    expect(mail.text).toMatch(/Server\s+web-01/);
    expect(mail.text).not.toMatch(/<|>|alert|color: red|pixel|tracker/);
    expect(mail.html).not.toBeNull();
    expect(mail.html).not.toMatch(/<script|onload|onclick|javascript:|<iframe|<style/i);
    expect(mail.html).toContain('href="https://status.example.com/i/7"');
  });

  it('decodes charsets: windows-1252, ISO-2022-JP, UTF-8 with stray Latin-1 bytes, unlabelled 8-bit', async () => {
    const cp1252 = await parsed(
      Buffer.from(
        'From: a@x.example\r\nContent-Type: text/plain; charset=windows-1252\r\n\r\n\x93Quoted\x94 \x80 5\r\n',
        'latin1',
      ),
    );
    expect(cp1252.text).toBe('“Quoted” € 5');
    const jis = await parsed(
      Buffer.concat([
        Buffer.from('From: a@x.example\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\n\r\n'),
        Buffer.from([
          0x1b, 0x24, 0x42, 0x24, 0x33, 0x24, 0x73, 0x24, 0x4b, 0x24, 0x41, 0x24, 0x4f, 0x1b, 0x28, 0x42,
        ]),
      ]),
    );
    expect(jis.text).toBe('こんにちは');
    const mixed = await parsed(
      Buffer.concat([
        Buffer.from('From: a@x.example\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'),
        Buffer.from('Grüße – '),
        Buffer.from('K\xf6ln', 'latin1'),
      ]),
    );
    expect(mixed.text).toBe('Grüße – Köln');
    const unlabelled = await parsed(Buffer.from('From: a@x.example\r\n\r\nK\xf6ln\r\n', 'latin1'));
    expect(unlabelled.text).toBe('Köln');
  });

  it('decodes UTF-7 and knows unknown charsets from known ones', () => {
    expect(decodeUtf7('Fr+APY-sche +- 1')).toBe('Frösche + 1');
    expect(decodeBytes(Buffer.from('Fr+APY-sche'), 'utf-7')).toBe('Frösche');
    expect(decodeBytes(Buffer.from([0xe4]), 'iso-8859-15')).toBe('ä');
    expect(decodeBytes(Buffer.from('x'), 'x-no-such-charset')).toBeNull();
  });

  it('includes a forwarded message/rfc822 in the text and lists it as an attachment', async () => {
    const mail = await parsed(`From: boss@x.example
Subject: Fwd: invoice
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: text/plain

Please look at this.
--outer
Content-Type: message/rfc822
Content-Disposition: attachment; filename="invoice.eml"

From: Vendor <billing@vendor.example>
Subject: Invoice 7
Message-ID: <inv7@vendor.example>
Date: Mon, 2 Jun 2025 09:00:00 +0000

Invoice 7 is due.
--outer--
`);
    expect(mail.text).toContain('Please look at this.');
    expect(mail.text).toContain('---------- Forwarded message ----------');
    expect(mail.text).toContain('From: Vendor <billing@vendor.example>');
    expect(mail.text).toContain('Invoice 7 is due.');
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]?.filename).toBe('invoice.eml');
    expect(mail.attachments[0]?.contentType).toBe('message/rfc822');
    expect(mail.embedded[0]?.messageId).toBe('inv7@vendor.example');
    expect(mail.embedded[0]?.subject).toBe('Invoice 7');
  });

  it('lists attachments with name, type, size, inline images by cid, TNEF, and fallback names', async () => {
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
      'base64',
    );
    const mail = await parsed(`From: a@x.example
Subject: files
Content-Type: multipart/mixed; boundary="m"

--m
Content-Type: multipart/related; boundary="r"

--r
Content-Type: text/html; charset=utf-8

<p>See <img src="cid:logo@x"> here</p>
--r
Content-Type: image/png
Content-ID: <logo@x>
Content-Transfer-Encoding: base64

${png.toString('base64')}
--r--
--m
Content-Type: application/ms-tnef; name="winmail.dat"
Content-Disposition: attachment; filename="winmail.dat"
Content-Transfer-Encoding: base64

eJ8+IgAAAQ==
--m
Content-Type: application/pdf
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--m
Content-Type: text/plain; name="log.txt"
Content-Disposition: inline; filename="log.txt"

line 1 of the log
--m--
`);
    expect(mail.text).toBe('See here');
    const byName = Object.fromEntries(mail.attachments.map((a) => [a.filename, a]));
    expect(Object.keys(byName)).toEqual(['attachment-1.png', 'winmail.dat', 'attachment-3.pdf', 'log.txt']);
    expect(byName['attachment-1.png']).toMatchObject({
      contentType: 'image/png',
      contentId: 'logo@x',
      inline: true,
    });
    expect(byName['attachment-1.png']?.size).toBe(png.length);
    expect(byName['winmail.dat']).toMatchObject({
      contentType: 'application/ms-tnef',
      inline: false,
      size: 7,
    });
    expect(
      byName['attachment-3.pdf']?.content && Buffer.from(byName['attachment-3.pdf'].content).toString(),
    ).toBe('%PDF-1.4\n');
    expect(byName['log.txt']).toMatchObject({ contentType: 'text/plain', size: 17 });
    expect(mail.html).toContain('cid:logo@x');
  });

  it('takes uuencoded files out of the text', async () => {
    const mail = await parsed(
      'From: a@x.example\nSubject: uu\n\nSee file\nbegin 644 cat.txt\n#0V%T\n`\nend\nthanks\n',
    );
    expect(mail.text).toBe('See file\n\nthanks');
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]).toMatchObject({ filename: 'cat.txt', contentType: 'text/plain', size: 3 });
  });
});

describe('parseMail: limits and robustness', () => {
  it('keeps an attachment over the limit out of memory: overLimit, content null, ticket says so', async () => {
    const big = Buffer.alloc(11 * MB, 0x41)
      .toString('base64')
      .replace(/.{76}/g, '$&\r\n');
    const raw = Buffer.from(
      `From: a@x.example\r\nSubject: big\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--XX\r\nContent-Type: application/octet-stream; name=dump.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n${big}\r\n--XX--\r\n`,
    );
    const result = await parseMail(raw);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.mail.text).toBe('see attached');
    expect(result.mail.attachments).toHaveLength(1);
    expect(result.mail.attachments[0]).toMatchObject({
      filename: 'dump.bin',
      size: 11 * MB,
      overLimit: true,
      content: null,
    });
    expect(result.mail.truncated).toBe(true);
    expect(result.mail.warnings.join(' ')).toContain('"dump.bin" is 11 MB, over the 10 MB limit');
    const allowed = await parseMail(raw, { maxAttachmentBytes: 12 * MB });
    expect(allowed.ok && allowed.mail.attachments[0]?.content?.length).toBe(11 * MB);
  });

  it('refuses a message over the message limit', async () => {
    const raw = new Uint8Array(31 * MB).fill(0x61);
    expect(await parseMail(raw)).toEqual({
      ok: false,
      reason: `message is ${31 * MB} bytes, over the 30 MB limit`,
    });
    const small = await parseMail(eml(simple('')), { maxMessageBytes: 100 });
    expect(small.ok).toBe(false);
    expect(!small.ok && small.reason).toMatch(/over the 100 bytes limit/);
  });

  it('never throws: empty, binary, header-less, non-byte input and timeouts become reasons', async () => {
    const inputs: unknown[] = [
      new Uint8Array(),
      Buffer.from('\r\n\r\n'),
      Uint8Array.from({ length: 4000 }, (_, i) => (i * 7919) % 256),
      Buffer.from('just some text\nwith no headers at all\n'),
      'From: a@x.example\n\nnot bytes',
      null,
    ];
    for (const input of inputs) {
      const result = await parseMail(input as Uint8Array);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.reason.length).toBeGreaterThan(0);
    }
    const slow = await parseMail(eml(simple('', 'word '.repeat(1_000_000))), { timeoutMs: 1 });
    expect(slow).toEqual({ ok: false, reason: 'unparseable message: parsing took longer than 1 ms' });
  });

  it('quarantines a message with too many MIME parts instead of crashing', async () => {
    const parts = Array.from({ length: 1500 }, (_, i) => `--b\nContent-Type: text/plain\n\npart ${i}\n`).join(
      '',
    );
    const result = await parseMail(
      eml(`From: a@x.example\nContent-Type: multipart/mixed; boundary=b\n\n${parts}--b--\n`),
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/child nodes/);
  });

  it('repairs a multipart Content-Type that lacks the semicolon before boundary', async () => {
    const mail = await parsed(`From: a@x.example
Subject: broken
Content-Type: multipart/mixed
\tboundary="zz"

--zz
Content-Type: text/plain

inside
--zz--
`);
    expect(mail.text).toBe('inside');
  });
});

describe('parseMail: delivery reports', () => {
  it('reads a DSN (multipart/report): recipients, and the original Message-ID from the returned message', async () => {
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
    expect(mail.headers).toMatchObject({ isDeliveryReport: true, reportType: 'delivery-status' });
    // the returned message is ours: listed, but not part of the text
    expect(mail.text).toBe("I'm sorry to have to inform you that your message could not be delivered.");
    expect(mail.attachments.map((a) => a.contentType)).toEqual(['message/delivery-status', 'message/rfc822']);
    expect(mail.embedded.map((e) => e.messageId)).toEqual(['t-1042.ack@helpdesk.example.com']);
    expect(mail.deliveryReport).toEqual({
      reportType: 'delivery-status',
      recipients: [
        {
          finalRecipient: 'gone@customer.example',
          action: 'failed',
          status: '5.1.1',
          diagnosticCode: 'smtp; 550 5.1.1 user unknown',
        },
      ],
      originalMessageId: 't-1042.ack@helpdesk.example.com',
      disposition: null,
    });
  });

  it('reads the original of a text/rfc822-headers bounce, and of a read receipt (MDN)', async () => {
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
    expect(headersOnly.headers.isDeliveryReport).toBe(true);
    expect(headersOnly.embedded).toEqual([
      expect.objectContaining({ messageId: 'ack-77@helpdesk.example.com', headersOnly: true, text: '' }),
    ]);
    expect(headersOnly.deliveryReport?.originalMessageId).toBe('ack-77@helpdesk.example.com');

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
    expect(mdn.headers.isDeliveryReport).toBe(true);
    expect(mdn.deliveryReport).toEqual({
      reportType: 'disposition-notification',
      recipients: [
        { finalRecipient: 'jane@customer.example', action: null, status: null, diagnosticCode: null },
      ],
      originalMessageId: 'ack-5@helpdesk.example.com',
      disposition: 'manual-action/MDN-sent-manually; displayed',
    });
  });
});

describe('trimQuotedReply', () => {
  it('Gmail: "On … wrote:" (also wrapped) and > lines', () => {
    expect(
      trimQuotedReply(`Thanks, that fixed it.

On Tue, Jun 3, 2025 at 10:00 AM Support <support@helpdesk.example.com> wrote:
> Please restart the spooler.
>
> Regards`),
    ).toBe('Thanks, that fixed it.');
    expect(
      trimQuotedReply(`Works now.

On Tue, Jun 3, 2025 at 10:00 AM ACME Support Desk <
support@helpdesk.example.com> wrote:

> Please restart the spooler.`),
    ).toBe('Works now.');
  });

  it('Outlook: -----Original Message----- and From/Sent/To/Subject blocks (after ____ or alone)', () => {
    expect(
      trimQuotedReply(`Done.

-----Original Message-----
From: Support
Sent: Tuesday, June 3, 2025 10:00 AM
Subject: printer`),
    ).toBe('Done.');
    expect(
      trimQuotedReply(`Still failing, see attached.

________________________________
From: Support <support@helpdesk.example.com>
Sent: Tuesday, June 3, 2025 10:00
To: Jane Doe
Subject: RE: [ACME-1042] printer

Please restart.`),
    ).toBe('Still failing, see attached.');
    expect(
      trimQuotedReply(`Yes please.
From: Support <support@helpdesk.example.com>
Sent: Tuesday, June 3, 2025 10:00
To: Jane Doe
Subject: RE: printer`),
    ).toBe('Yes please.');
  });

  it('Apple Mail attribution with quoted lines', () => {
    expect(
      trimQuotedReply(`Great, thank you!

> On 3 Jun 2025, at 10:00, ACME Support <support@helpdesk.example.com> wrote:
>
> Your ticket is resolved.`),
    ).toBe('Great, thank you!');
    expect(
      trimQuotedReply(`Great!

On 3 Jun 2025, at 10:00, ACME Support <support@helpdesk.example.com> wrote:

> Your ticket is resolved.`),
    ).toBe('Great!');
  });

  it('German and French attributions and Outlook headers', () => {
    expect(
      trimQuotedReply(`Danke, geht wieder.

Am 03.06.2025 um 10:00 schrieb Support <support@helpdesk.example.com>:
> Bitte neu starten.`),
    ).toBe('Danke, geht wieder.');
    expect(
      trimQuotedReply(`Passt.

Von: Support <support@helpdesk.example.com>
Gesendet: Dienstag, 3. Juni 2025 10:00
An: Max Mustermann
Betreff: AW: Drucker`),
    ).toBe('Passt.');
    expect(
      trimQuotedReply(`Merci, c'est réglé.

Le mar. 3 juin 2025 à 10:00, Support <support@helpdesk.example.com> a écrit :
> Veuillez redémarrer.`),
    ).toBe("Merci, c'est réglé.");
  });

  it('signature delimiter, mobile signature, interleaved quotes', () => {
    expect(trimQuotedReply('All good.\n\n-- \nJane Doe\nACME Corp')).toBe('All good.');
    expect(trimQuotedReply('On my way.\n\nSent from my iPhone')).toBe('On my way.');
    expect(trimQuotedReply('> Which printer?\nThe one on floor 2.\n> Since when?\nSince Monday.')).toBe(
      'The one on floor 2.\nSince Monday.',
    );
  });

  it('keeps text that is not a reply, and returns the original when everything is quoted', () => {
    const plain = 'The printer on floor 2 shows error 0x42.\nIt started on Monday.';
    expect(trimQuotedReply(plain)).toBe(plain);
    expect(trimQuotedReply('> only\n> quoted\n')).toBe('> only\n> quoted');
    expect(trimQuotedReply('I wrote: the vendor says no.\nWhat now?')).toBe(
      'I wrote: the vendor says no.\nWhat now?',
    );
    const forwarded =
      'FYI\n\n---------- Forwarded message ---------\nFrom: Vendor <v@x.example>\nDate: Mon\nSubject: EOL\nTo: me\n\nEnd of life.';
    expect(trimQuotedReply(forwarded)).toBe(forwarded);
  });
});

describe('html helpers', () => {
  it('converts HTML to readable text and sanitises it', () => {
    expect(
      htmlToReadableText('<p>Hi <a href="https://a.example/x">https://a.example/x</a></p><p>Bye</p>'),
    ).toBe('Hi https://a.example/x\n\nBye');
    expect(
      htmlToReadableText(
        '<p>See <a href="https://a.example/x">the portal</a> <img src="x.png" alt="logo"></p>',
      ),
    ).toBe('See the portal');
    expect(htmlToReadableText('<h2>Status</h2><ul><li>one</li><li>two</li></ul>')).toBe(
      'Status\n\n * one\n * two',
    );
    expect(htmlToReadableText('<blockquote>old</blockquote><p>new</p>')).toContain('> old');
    expect(sanitizeMailHtml('<p onclick="x()">a<script>b</script><img src="cid:i1"></p>')).toBe(
      '<p>a<img src="cid:i1" /></p>',
    );
  });
});
