/**
 * Real-world mail from test/corpus/mail (fixtures of nodemailer/mailparser and
 * stalwartlabs/mail-parser, with the values those projects assert). One test per .eml file.
 *
 * Every message goes through parseMail, which must not throw. The rule for the requester is
 * generic: a message whose expected From has an email address must parse with that address as
 * `from`; a message with no From or a From without a usable address (e.g. "From: Moderator-Address",
 * "From: moderator") must have no usable `from`. (What intake makes of that, a ticket or a
 * quarantine entry, is tested in services/intake/test/email-corpus.test.ts.)
 *
 * Checked against the expectations (whitespace folded, Unicode NFC):
 * - From address (case-insensitive) and display name (as given), subject;
 * - the readable `text` CONTAINS the expected text excerpt; when the excerpt is HTML markup (the
 *   reference reports an HTML-only body as its text body) the html→text conversion of our text
 *   must contain the conversion of the excerpt; when the HTML excerpt is markup, `html` is set and
 *   its text contains the excerpt's text;
 * - attachments: count, content type and file name, in order; content length equals size.
 *
 * Allowances, by kind of case (none by file):
 * - excerpts are cut at a fixed length: a trailing partial word, tag or entity is not compared;
 * - U+FFFD in an expected value stands for bytes the reference parser could not decode (raw 8-bit
 *   headers, Latin-1 bodies labelled UTF-8); we read such bytes as Windows-1252, so U+FFFD matches
 *   any one character;
 * - expected type application/octet-stream: mailparser refines it from the file extension, so the
 *   type for the file name is accepted too; an expected file name of null or "(message/rfc822)"
 *   means the part has no name: we name it attachment-N.ext, any name is accepted;
 * - a message/rfc822 part whose embedded message is cut short (an inner multipart never closed):
 *   one reference parser lets it swallow the sibling parts after it; we end every part at the
 *   enclosing boundary, so extra message/rfc822 attachments (only those) may follow the expected ones;
 * - files uuencoded inside a text part are taken out as extra attachments (source 'uuencode'); the
 *   reference parsers leave them in the text, so only MIME attachments are compared;
 * - malformed/ messages: the reference parsers keep broken MIME structure (boundary lines, part
 *   headers) as body text or as nameless attachments, so the text excerpt is compared up to its
 *   first boundary/header line, and attachments are compared only when the message has a usable
 *   requester;
 * - mailparser's html inlines cid: images as data: URLs; we keep cid: links (the caller maps them
 *   to stored attachments), so "html contains data:image/png;base64,X" is checked as "html
 *   references cid:<id> of an attachment whose base64 content starts with X".
 *
 * Result on the 67 messages in the corpus: all 67 tests pass; 48 have a usable requester, 19 have
 * none, none fails to parse:
 *  - 17 have no From header at all: mailparser/mixed.eml, stalwart malformed/000 001 002 003 006
 *    010 011 012 014, rfc/007 008, thirdparty/001 004 005 010 013;
 *  - 2 have a From without a usable address: rfc/004 ("Moderator-Address"), thirdparty/007
 *    ("moderator").
 * Their text is still checked against the excerpts. The last test prints the same summary.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { contentTypeFor } from '../src/files.ts';
import { htmlToReadableText } from '../src/html.ts';
import { type ParsedMail, type ParseResult, parseMail } from '../src/parse.ts';

const CORPUS = fileURLToPath(new URL('../../../test/corpus/mail/', import.meta.url));

type StalwartEntry = {
  from?: { name: string | null; address: string | null }[];
  subject?: string;
  text_body_excerpt?: string;
  html_body_excerpt?: string;
  attachment_count?: number;
  attachments?: { filename: string | null; content_type: string | null; size_hint: number | null }[];
};

type MailparserEntry = {
  from?: string;
  subject?: string;
  expect?: {
    text?: string;
    html?: string;
    attachment_count?: number;
    attachment2_md5?: string;
    html_contains?: string;
    to?: { address: string; name: string }[];
    to_text?: string;
    html_non_empty?: boolean;
  };
};

type Case = {
  id: string;
  file: string;
  kind: 'mailparser' | 'legacy' | 'malformed' | 'rfc' | 'thirdparty' | 'other';
  stalwart?: StalwartEntry;
  mailparser?: MailparserEntry;
};

function readJson<T>(path: string): Record<string, T> {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, T>) : {};
}

function loadCases(): Case[] {
  const cases: Case[] = [];
  const mpDir = join(CORPUS, 'mailparser');
  const mpExpected = readJson<MailparserEntry>(join(mpDir, 'expected.json'));
  for (const f of readdirSync(mpDir)
    .filter((n) => n.endsWith('.eml'))
    .sort()) {
    cases.push({
      id: `mailparser/${f}`,
      file: join(mpDir, f),
      kind: 'mailparser',
      mailparser: mpExpected[f],
    });
  }
  const swDir = join(CORPUS, 'stalwart-mail-parser');
  const swExpected = readJson<StalwartEntry>(join(swDir, 'expected.summary.json'));
  for (const sub of readdirSync(swDir, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const f of readdirSync(join(swDir, sub.name))
      .filter((n) => n.endsWith('.eml'))
      .sort()) {
      const key = `${sub.name}/${f}`;
      const kind =
        (['legacy', 'malformed', 'rfc', 'thirdparty'] as const).find((k) => k === sub.name) ?? 'other';
      cases.push({
        id: `stalwart-mail-parser/${key}`,
        file: join(swDir, sub.name, f),
        kind,
        stalwart: swExpected[key],
      });
    }
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// comparison helpers

function fold(s: string): string {
  return s
    .normalize('NFC')
    .replace(/[\s\u00a0]+/g, ' ')
    .trim();
}

/** Regex for an expected value: literal, except U+FFFD (an undecodable byte) matches any character. */
function pattern(expected: string, anchored: boolean): RegExp {
  const body = expected
    .split('\ufffd')
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.');
  return new RegExp(anchored ? `^${body}$` : body, 'u');
}

function matchesExactly(actual: string, expected: string): boolean {
  return pattern(fold(expected), true).test(fold(actual));
}

function dropPartialWord(s: string): string {
  return /\s/.test(s) ? s.replace(/\s*\S+$/, '') : s;
}

function looksLikeHtml(s: string): boolean {
  return /^\s*</.test(s) && /<\/?[a-zA-Z!][^>]*>/.test(s);
}

/** The comparable text of an excerpt; '' when there is nothing to compare. */
function excerptText(excerpt: string, kind: Case['kind']): string {
  let e = excerpt;
  if (kind === 'malformed') {
    const cut = e.search(/^(--|content-[a-z-]+:)/im);
    if (cut >= 0) e = e.slice(0, cut);
  }
  if (looksLikeHtml(e)) {
    e = e.replace(/<[^>]*$/, '').replace(/&[#a-z0-9]*$/i, '');
    return dropPartialWord(fold(htmlToReadableText(e)));
  }
  const cutMidWord = !/\s$/.test(e);
  const folded = fold(e);
  return cutMidWord ? dropPartialWord(folded) : folded;
}

function containsExcerpt(actual: string, excerpt: string): boolean {
  if (!excerpt) return true;
  return pattern(excerpt, false).test(fold(actual));
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

function typeMatches(actual: { contentType: string; filename: string }, expected: string): boolean {
  const e = expected.toLowerCase();
  if (actual.contentType === e) return true;
  return e === 'application/octet-stream' && actual.contentType === contentTypeFor(actual.filename);
}

// ---------------------------------------------------------------------------------------------

const cases = loadCases();
const outcomes = new Map<string, string>();

/** The requester's address when the message has a usable one, else why not. */
function requesterOf(result: ParseResult): { address: string } | { missing: string } {
  if (!result.ok) return { missing: `unparsed: ${result.reason}` };
  const from = result.mail.from;
  if (!from) return { missing: 'no From address' };
  return EMAIL.test(from.address)
    ? { address: from.address }
    : { missing: `unusable From "${from.address}"` };
}

function checkStalwart(c: Case, e: StalwartEntry, mail: ParsedMail, hasRequester: boolean): void {
  const from = e.from?.[0];
  if (from?.address && EMAIL.test(from.address)) {
    expect(mail.from?.address.toLowerCase()).toBe(from.address.toLowerCase());
    expect(matchesExactly(mail.from?.name ?? '', from.name ?? ''), `name ${mail.from?.name}`).toBe(true);
  } else if (from) {
    // no usable address: either none at all, or the same unusable one
    expect(mail.from === null || mail.from.address === from.address).toBe(true);
  }
  if (e.subject !== undefined) {
    expect(matchesExactly(mail.subject, e.subject), `subject ${mail.subject}`).toBe(true);
  }
  if (e.text_body_excerpt) {
    const want = excerptText(e.text_body_excerpt, c.kind);
    const have = looksLikeHtml(e.text_body_excerpt) ? htmlToReadableText(mail.text) : mail.text;
    expect(containsExcerpt(have, want), `text should contain: ${want}\n--- got: ${fold(mail.text)}`).toBe(
      true,
    );
  }
  if (e.html_body_excerpt && looksLikeHtml(e.html_body_excerpt)) {
    expect(mail.html).not.toBeNull();
    const want = excerptText(e.html_body_excerpt, c.kind);
    expect(containsExcerpt(htmlToReadableText(mail.html ?? ''), want), `html should contain: ${want}`).toBe(
      true,
    );
  }
  const expectedAttachments = e.attachments;
  if (expectedAttachments && (c.kind !== 'malformed' || hasRequester)) {
    const ours = mail.attachments.filter((a) => a.source !== 'uuencode');
    const describeOurs = ours.map((a) => `${a.filename} (${a.contentType})`).join(', ');
    // walk both lists in order; ours may have extra message/rfc822 parts (see header comment)
    let j = 0;
    for (const want of expectedAttachments) {
      while (
        j < ours.length &&
        !attachmentMatches(ours[j], want) &&
        ours[j]?.contentType === 'message/rfc822'
      )
        j += 1;
      const have = ours[j];
      expect(have, `expected ${JSON.stringify(want)} among: ${describeOurs}`).toBeTruthy();
      if (!have) return;
      expect(
        attachmentMatches(have, want),
        `${have.filename} (${have.contentType}) vs ${JSON.stringify(want)}`,
      ).toBe(true);
      if (have.content) expect(have.content.length).toBe(have.size);
      j += 1;
    }
    const extra = ours.slice(j).filter((a) => a.contentType !== 'message/rfc822');
    expect(extra.map((a) => a.filename)).toEqual([]);
  }
}

function attachmentMatches(
  have: { contentType: string; filename: string } | undefined,
  want: { filename: string | null; content_type: string | null },
): boolean {
  if (!have) return false;
  if (want.content_type && !typeMatches(have, want.content_type)) return false;
  if (want.filename && !/^\(.*\)$/.test(want.filename) && !matchesExactly(have.filename, want.filename))
    return false;
  return true;
}

function parseFromString(s: string): { name: string; address: string } {
  const m = /^(.*?)\s*<([^>]+)>\s*$/.exec(s);
  return m
    ? { name: (m[1] ?? '').replace(/^"|"$/g, ''), address: m[2] ?? '' }
    : { name: '', address: s.trim() };
}

function checkMailparser(e: MailparserEntry, mail: ParsedMail): void {
  if (e.from) {
    const want = parseFromString(e.from);
    expect(mail.from?.address.toLowerCase()).toBe(want.address.toLowerCase());
    expect(mail.from?.name).toBe(want.name);
  }
  if (e.subject !== undefined) expect(matchesExactly(mail.subject, e.subject)).toBe(true);
  const x = e.expect ?? {};
  if (x.text) expect(containsExcerpt(mail.text, fold(x.text)), `text: ${fold(mail.text)}`).toBe(true);
  if (x.html) {
    expect(mail.html).not.toBeNull();
    expect(containsExcerpt(htmlToReadableText(mail.html ?? ''), fold(htmlToReadableText(x.html)))).toBe(true);
  }
  if (x.html_non_empty) expect(mail.html?.trim()).toBeTruthy();
  if (x.attachment_count !== undefined) expect(mail.attachments).toHaveLength(x.attachment_count);
  if (x.attachment2_md5) {
    // mailparser's test hashes attachments[2] (0-based)
    const content = mail.attachments[2]?.content;
    expect(content).toBeTruthy();
    expect(
      createHash('md5')
        .update(content ?? new Uint8Array())
        .digest('hex'),
    ).toBe(x.attachment2_md5);
  }
  if (x.html_contains) {
    const data = /^data:([^;]+);base64,(.+)$/.exec(x.html_contains);
    if (data) {
      const image = mail.attachments.find(
        (a) =>
          a.contentType === data[1] &&
          a.contentId &&
          a.content &&
          Buffer.from(a.content)
            .toString('base64')
            .startsWith(data[2] ?? ''),
      );
      expect(image, 'an attachment with that content').toBeTruthy();
      expect(image?.inline).toBe(true);
      expect(mail.html).toContain(`cid:${image?.contentId}`);
    } else expect(mail.html).toContain(x.html_contains);
  }
  if (x.to) expect(mail.to).toEqual(x.to);
  if (x.to_text) {
    const text = mail.to.map((a) => (a.name ? `"${a.name}" <${a.address}>` : a.address)).join(', ');
    expect(text).toBe(x.to_text);
  }
}

describe('real-world mail corpus', () => {
  it('has the corpus', () => {
    expect(cases.length).toBeGreaterThan(60);
  });

  for (const c of cases) {
    it(c.id, async () => {
      const raw = readFileSync(c.file);
      const result = await parseMail(raw);
      expect(typeof result.ok).toBe('boolean');
      const requester = requesterOf(result);
      outcomes.set(c.id, 'address' in requester ? 'requester' : requester.missing);

      const expectedFrom = c.stalwart
        ? c.stalwart.from?.[0]?.address
        : c.mailparser?.from
          ? parseFromString(c.mailparser.from).address
          : undefined;
      if (c.stalwart) {
        // stalwart's summary names the From whenever the message has one
        if (expectedFrom && EMAIL.test(expectedFrom))
          expect(requester, 'should have a requester').toHaveProperty('address');
        else expect(requester, 'should have no usable requester').toHaveProperty('missing');
      } else if (expectedFrom) {
        expect(requester, 'should have a requester').toHaveProperty('address');
      }
      if (!result.ok) return;
      const mail = result.mail;
      // invariants of every parse
      expect(mail.attachments.every((a) => a.filename.length > 0)).toBe(true);
      expect(mail.attachments.every((a) => (a.content === null) === a.overLimit)).toBe(true);
      if (mail.html) expect(mail.html).not.toMatch(/<script|\son\w+\s*=|javascript:/i);

      if (c.stalwart) checkStalwart(c, c.stalwart, mail, 'address' in requester);
      if (c.mailparser) checkMailparser(c.mailparser, mail);
    });
  }

  afterAll(() => {
    const withRequester = [...outcomes.values()].filter((o) => o === 'requester').length;
    const without = [...outcomes.entries()].filter(([, o]) => o !== 'requester');
    console.info(
      `mail corpus: ${outcomes.size} messages, ${withRequester} with a usable requester, ${without.length} without\n` +
        without.map(([id, o]) => `  ${id}: ${o}`).join('\n'),
    );
  });
});
