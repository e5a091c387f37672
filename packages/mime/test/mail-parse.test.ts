import { describe, expect, it } from 'vitest';
import { decodeBytes, decodeHeaderText, decodeUtf7 } from '../src/charset.ts';
import { parseMail } from '../src/parse.ts';
import { eml, parsed, simple } from './support.ts';

const MB = 1024 * 1024;

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
    expect(!result.ok && result.reason).toMatch(/the message has more than 500 MIME parts/);
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
