import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { type ComposeInput, composeMail, mailboxParts } from '../src/compose.ts';
import { encodedWords } from '../src/encode.ts';
import { parseMail } from '../src/parse.ts';

/**
 * The composer against an independent reader: every message is parsed back with mailparser (the
 * library intake reads mail with, not our code) and each field, header and byte compared.
 */

const LOOP_GUARD = [
  ['Auto-Submitted', 'auto-replied'],
  ['X-Auto-Response-Suppress', 'All'],
  ['Precedence', 'auto_reply'],
] as const;

/** Characters that stress an encoder: blanks, `=`, `=?`, dots, CJK, accents, emoji (with ZWJ), controls. */
const tricky = fc.constantFrom(
  ' ',
  '  ',
  '\t',
  '.',
  '=',
  '=?',
  '?=',
  '"',
  '\\',
  '<',
  ',',
  ';',
  'From ',
  '日本語',
  '中文',
  'é',
  'ß',
  '🎉',
  '👨‍👩‍👧',
  '\u0001',
  '\u00a0',
);
const unit = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: tricky },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);
/** A one-line string of tricky characters, sometimes with one long unbroken word. */
const line = (maxLength: number) =>
  fc
    .tuple(
      fc.array(unit, { maxLength }).map((u) => u.join('')),
      fc.option(
        fc
          .string({ unit: 'grapheme-ascii', minLength: 80, maxLength: 300 })
          .map((w) => w.replace(/\s/g, 'w')),
      ),
    )
    .map(([s, long]) => (long ? `${s}${long}` : s).replace(/[\r\n]/g, ' '));

const text = fc
  .array(
    fc.oneof(
      line(40),
      fc.string({ unit: fc.constantFrom('日', '本', '語', '中', '文', '🎉', 'é', ' '), maxLength: 50 }),
      fc.constantFrom('.', '.hidden', 'From me', '', 'trailing blank ', 'tab\t', '=3D', '-- ', '--=_psa_0'),
    ),
    { maxLength: 12 },
  )
  .chain((lines) => fc.constantFrom('\n', '\r\n').map((br) => lines.join(br)));

const domain = fc.constantFrom('acme.example', 'msp.example', 'sub.customer.example');
const address = fc
  .tuple(fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,20}$/), domain)
  .map(([local, d]) => `${local}@${d}`);
const messageId = fc
  .tuple(fc.stringMatching(/^[A-Za-z0-9._-]{1,40}$/), domain)
  .map(([left, d]) => `${left}@${d}`);
/** A display name as mailparser gives it back: trimmed, inner blanks single (it collapses them). */
const name = line(30).map((n) => n.replace(/[\s\p{Cc}]+/gu, ' ').trim());
const file = fc.record({
  filename: line(30)
    .filter((f) => f.trim() !== '' && !/\p{Cc}/u.test(f))
    .map((f) => f.trim()),
  contentType: fc.constantFrom('application/pdf', 'image/png', 'text/plain', 'application/octet-stream'),
  content: fc.uint8Array({ maxLength: 400 }),
});

const mail: fc.Arbitrary<ComposeInput> = fc.record(
  {
    from: fc.tuple(fc.option(name), address).map(([n, a]) => (n ? { name: n, address: a } : { address: a })),
    to: fc.tuple(fc.option(name), address).map(([n, a]) => (n ? { name: n, address: a } : { address: a })),
    subject: line(60),
    text,
    html: text.map((t) => `<p>${t}</p>`),
    messageId,
    inReplyTo: messageId,
    references: fc.array(messageId, { maxLength: 30 }),
    attachments: fc.array(file, { maxLength: 3 }),
  },
  { requiredKeys: ['from', 'to', 'subject', 'text', 'messageId'] },
);

/** Text as a reader gets it back: line breaks are CRLF on the wire, LF once parsed. */
const lf = (s: string) => s.replace(/\r\n|\r/g, '\n');

/**
 * Every line ends in CRLF; header lines (top and parts) ≤ 78 characters, encoded body lines ≤ 76
 * and never starting with `.` or `From ` (which transports may stuff or quote).
 */
function checkLines(raw: string) {
  expect(raw.endsWith('\r\n')).toBe(true);
  expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  const boundaries = [...raw.matchAll(/boundary="([^"]+)"/g)].map((m) => m[1]!);
  let inHeaders = true;
  for (const l of raw.slice(0, -2).split('\r\n')) {
    if (boundaries.some((b) => l === `--${b}` || l === `--${b}--`)) {
      inHeaders = true;
      continue;
    }
    if (inHeaders && l === '') {
      inHeaders = false;
      continue;
    }
    expect(l.length, l).toBeLessThanOrEqual(inHeaders ? 78 : 76);
    if (!inHeaders) expect(l).not.toMatch(/^(\.|From )/);
  }
}

describe('composeMail', () => {
  it('writes every field so mailparser reads back the same values and bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        mail,
        fc.date({ min: new Date('2000-01-01'), max: new Date('2099-01-01'), noInvalidDate: true }),
        async (input, date) => {
          const raw = composeMail({ ...input, headers: LOOP_GUARD }, { date });
          checkLines(raw.toString('latin1'));
          const parsed = await simpleParser(raw);
          const from = mailboxParts(input.from);
          const to = mailboxParts(input.to);
          expect(parsed.from?.value).toEqual([{ address: from.address, name: from.name ?? '' }]);
          expect(Array.isArray(parsed.to) ? undefined : parsed.to?.value).toEqual([
            { address: to.address, name: to.name ?? '' },
          ]);
          expect(parsed.subject ?? '').toBe(input.subject);
          // mailparser derives the text from the HTML when the text part is empty
          if (input.text !== '' || input.html === undefined) expect(parsed.text ?? '').toBe(lf(input.text));
          if (input.html !== undefined) expect(parsed.html).toBe(lf(input.html));
          expect(parsed.messageId).toBe(`<${input.messageId}>`);
          expect(parsed.inReplyTo).toBe(input.inReplyTo ? `<${input.inReplyTo}>` : undefined);
          const refs = input.references?.map((r) => `<${r}>`) ?? [];
          expect(refs.length === 0 ? undefined : refs).toEqual(
            parsed.references === undefined ? undefined : [parsed.references].flat(),
          );
          expect(parsed.date?.toISOString()).toBe(
            new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString(),
          );
          expect(parsed.headers.get('mime-version')).toBe('1.0');
          for (const [field, value] of LOOP_GUARD)
            expect(parsed.headers.get(field.toLowerCase())).toBe(value);
          // the part's own Content-Type: mailparser guesses a type from the name for octet-stream
          const partType = (a: (typeof parsed.attachments)[number]) =>
            (a.headers.get('content-type') as { value: string } | undefined)?.value;
          expect(parsed.attachments.map((a) => [a.filename, partType(a), [...a.content]])).toEqual(
            (input.attachments ?? []).map((f) => [f.filename, f.contentType, [...f.content]]),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never splits a UTF-8 sequence across encoded words, which stay within 75 characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const words = encodedWords(s);
        for (const w of words) expect(w.length).toBeLessThanOrEqual(75);
        const pieces = words.map((w) => Buffer.from(w.slice(10, -2), 'base64'));
        for (const p of pieces)
          expect(new TextDecoder('utf-8', { fatal: true }).decode(p)).toBeTypeOf('string');
        expect(Buffer.concat(pieces).toString('utf8')).toBe(s);
      }),
    );
  });

  it('is read by intake’s own parser: threading, loop guard, files', async () => {
    const raw = composeMail({
      from: 'Acme Support <support@acme.example>',
      to: 'Zoë Ångström <zoe@acme.example>',
      subject: 'Re: [ACME-1001] Drucker 打印机 🖨️ streikt',
      text: 'Bitte neu starten.\n.\nFrom the desk',
      html: '<p>Bitte <b>neu</b> starten.</p>',
      messageId: 'reply.t1.m2@acme.example',
      inReplyTo: 'ticket.t1@acme.example',
      references: ['ticket.t1@acme.example', 'reply.t1.m1@acme.example'],
      attachments: [
        {
          filename: 'Schritte für 打印机.pdf',
          contentType: 'application/pdf',
          content: new Uint8Array([37, 80, 68, 70, 0, 255]),
        },
      ],
      headers: LOOP_GUARD,
    });
    const result = await parseMail(raw);
    if (!result.ok) throw new Error(result.reason);
    expect(result.mail.subject).toBe('Re: [ACME-1001] Drucker 打印机 🖨️ streikt');
    expect(result.mail.from).toEqual({ address: 'support@acme.example', name: 'Acme Support' });
    expect(result.mail.text).toContain('From the desk');
    expect(result.mail.inReplyTo).toEqual(['ticket.t1@acme.example']);
    expect(result.mail.references).toEqual(['ticket.t1@acme.example', 'reply.t1.m1@acme.example']);
    expect(result.mail.headers.autoSubmitted).toBe('auto-replied');
    expect(result.mail.attachments.map((a) => [a.filename, [...a.content!]])).toEqual([
      ['Schritte für 打印机.pdf', [37, 80, 68, 70, 0, 255]],
    ]);
  });

  it('sends mostly-ASCII text quoted-printable with dots and From guarded, CJK text as base64', () => {
    const compose = (text: string) =>
      composeMail({
        from: 'a@acme.example',
        to: 'b@acme.example',
        subject: 's',
        text,
        messageId: 'm@acme.example',
      })
        .toString()
        .split('\r\n\r\n')[1];
    expect(compose('.\nFrom here\nx = 1 ')).toBe('=2E\r\n=46rom here\r\nx =3D 1=20=\r\n');
    const a75 = 'a'.repeat(75);
    expect(compose(`${a75}From x\n${a75}.b`)).toBe(`${a75}=\r\n=46rom x\r\n${a75}=\r\n=2Eb=\r\n`);
    expect(compose('日本語の本文')).toBe(`${Buffer.from('日本語の本文').toString('base64')}\r\n`);
  });

  it('refuses a line break in an address, a message id or an extra header', () => {
    const base = {
      from: 'a@acme.example',
      to: 'b@acme.example',
      subject: 's',
      text: 't',
      messageId: 'm@acme.example',
    };
    expect(() => composeMail({ ...base, to: 'b@acme.example\r\nBcc: x@evil.example' })).toThrow(/address/);
    expect(() => composeMail({ ...base, inReplyTo: 'x>\r\nBcc: <y' })).toThrow(/message id/);
    expect(() => composeMail({ ...base, headers: [['X-A', 'v\r\nBcc: x@evil.example']] })).toThrow(
      /header value/,
    );
    expect(() => composeMail({ ...base, to: 'jörg@acme.example' })).toThrow(/address/);
  });

  it('writes an internationalised domain as its punycode', async () => {
    const raw = composeMail({
      from: 'a@acme.example',
      to: 'Jörg <jorg@bücher.example>',
      subject: 's',
      text: 't',
      messageId: 'm@acme.example',
    });
    expect(raw.toString('latin1')).toContain('<jorg@xn--bcher-kva.example>\r\n');
    // mailparser turns the punycode back into the name the reader sees
    expect((await simpleParser(raw)).to).toMatchObject({
      value: [{ name: 'Jörg', address: 'jorg@bücher.example' }],
    });
  });

  it('keeps the ASCII words of a subject readable around the encoded part, and reads back the same', async () => {
    const subjects = [
      'Re: [ACME-42] VPN keeps dropping – café',
      'Ärger mit dem Drucker [ACME-7]',
      'Re: [ACME-9] 打印机 坏了 again',
      '  two  blanks\tand ümlauts  ',
    ];
    for (const subject of subjects) {
      const raw = composeMail({
        from: 'a@acme.example',
        to: 'b@acme.example',
        subject,
        text: 't',
        messageId: 'm@x',
      });
      const header = /^Subject:(.*(?:\r\n[ \t].*)*)\r\n/m.exec(raw.toString('latin1'))![1]!;
      for (const token of subject.match(/\[ACME-\d+\]/g) ?? []) expect(header).toContain(token);
      expect((await simpleParser(raw)).subject).toBe(subject);
    }
  });
});
