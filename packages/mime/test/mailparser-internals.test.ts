import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { MailParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { parseMail } from '../src/parse.ts';
import { runMailparser } from '../src/run-mailparser.ts';

/**
 * src/run-mailparser.ts hooks mailparser's private internals (see its header). These tests fail
 * first when an upgrade moves them: the exact pin, the hooks it replaces, and one behaviour that
 * depends on each hook.
 */
const require = createRequire(import.meta.url);

const raw = (text: string): Buffer => Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'latin1');

describe('the mailparser internals the parser hooks', () => {
  it('is pinned to one exact version, the one installed', () => {
    const ours = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    const pinned: string = ours.dependencies.mailparser;
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    expect((require('mailparser/package.json') as { version: string }).version).toBe(pinned);
  });

  it('still has createNode and decoder.decodeStream to replace', () => {
    const parser = new MailParser() as unknown as {
      createNode?: unknown;
      decoder?: { decodeStream?: unknown };
    };
    expect(typeof parser.createNode).toBe('function');
    expect(typeof parser.decoder?.decodeStream).toBe('function');
    (parser as unknown as MailParser).destroy();
  });

  it('leaves the MIME tree, the nodes and the raw header lines to read', async () => {
    const collected = await runMailparser(
      raw(`From: a@x.example
Subject: tree
Content-Type: multipart/alternative; boundary="b"

--b
Content-Type: text/plain

plain
--b
Content-Type: text/html

<p>rich</p>
--b--
`),
      1024,
      () => {},
    );
    expect(collected.tree?.children?.map((n) => n.contentType)).toEqual(['text/plain', 'text/html']);
    expect(collected.nodes.length).toBe(3);
    expect(collected.headerLines.map((l) => l.key)).toEqual(['from', 'subject', 'content-type']);
  });

  it('decodes text parts through our charset repair (Latin-1 bytes in a part labelled UTF-8)', async () => {
    const result = await parseMail(
      raw('From: a@x.example\nContent-Type: text/plain; charset=utf-8\n\nGr\xfc\xdfe aus K\xf6ln\n'),
    );
    expect(result.ok && result.mail.text).toBe('Grüße aus Köln');
  });

  it('lists a named text part after the first one of a multipart/mixed as a file', async () => {
    const result = await parseMail(
      raw(`From: a@x.example
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain

see the log
--b
Content-Type: text/plain; name="app.log"

line 1
--b--
`),
    );
    if (!result.ok) throw new Error(result.reason);
    expect(result.mail.text).toBe('see the log');
    expect(result.mail.attachments.map((a) => a.filename)).toEqual(['app.log']);
  });
});
