import { fileURLToPath } from 'node:url';
import { parseMail } from '@psa/mime/parse';
import type { BlobStore, OutgoingMail } from '@psa/model/ports';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { composeRaw, readAttachments } from '../src/ses-mailer.ts';

/** The raw message the SES adapter sends, read back with the same MIME parser intake uses. */

const mail: OutgoingMail = {
  from: 'support@acme.example',
  to: 'pat@acme.example',
  subject: 'Re: [ACME-1001] VPN drops',
  text: 'Please update your VPN client.',
  messageId: 'reply.t1.m1@acme.example',
  inReplyTo: 'ticket.t1@acme.example',
  references: ['ticket.t1@acme.example'],
  attachments: [{ filename: 'steps.txt', contentType: 'text/plain', blobKey: 'acme/t1/m1-1' }],
};

function blobsWith(files: Record<string, string>): BlobStore {
  return {
    put: async () => undefined,
    get: async (key) => (key in files ? new TextEncoder().encode(files[key]) : null),
  };
}

describe('mail the system sends', () => {
  it('carries a reply’s stored files as attachments, with its threading and loop-guard headers', async () => {
    const files = await readAttachments(
      mail,
      blobsWith({ 'acme/t1/m1-1': 'Open the VPN client, then Update.' }),
    );
    const parsed = await parseMail(await composeRaw(mail, files));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.mail.text).toContain('Please update your VPN client.');
    expect(parsed.mail.inReplyTo).toEqual(['ticket.t1@acme.example']);
    expect(parsed.mail.headers.autoSubmitted).toBe('auto-replied');
    expect(
      parsed.mail.attachments.map((a) => [a.filename, a.contentType, new TextDecoder().decode(a.content!)]),
    ).toEqual([['steps.txt', 'text/plain', 'Open the VPN client, then Update.']]);
  });

  it('sends the digest’s HTML as an alternative, dated, with every loop-guard header', async () => {
    const raw = composeRaw(
      { ...mail, html: '<p>Please update your <b>VPN</b> client.</p>', attachments: [] },
      [],
      new Date('2026-12-07T03:00:00Z'),
    );
    const head = raw.toString('latin1').split('\r\n\r\n')[0]!.split('\r\n');
    expect(head).toEqual(
      expect.arrayContaining([
        'Date: Mon, 07 Dec 2026 03:00:00 +0000',
        'Message-ID: <reply.t1.m1@acme.example>',
        'In-Reply-To: <ticket.t1@acme.example>',
        'References: <ticket.t1@acme.example>',
        'Auto-Submitted: auto-replied',
        'X-Auto-Response-Suppress: All',
        'Precedence: auto_reply',
        'MIME-Version: 1.0',
        'Content-Type: multipart/alternative;',
      ]),
    );
    const parsed = await parseMail(raw);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.mail.text).toBe('Please update your VPN client.');
    expect(parsed.mail.html).toContain('<b>VPN</b>');
  });

  it('refuses to send a mail whose file is no longer stored, naming the file', async () => {
    await expect(readAttachments(mail, blobsWith({}))).rejects.toThrow(/steps\.txt.*not stored/);
  });

  it('refuses to send files from a function that cannot read the bucket', async () => {
    await expect(readAttachments(mail, undefined)).rejects.toThrow(/cannot read stored files/);
  });

  it('reads nothing for a mail without files', async () => {
    expect(await readAttachments({ ...mail, attachments: [] }, undefined)).toEqual([]);
  });
});

describe('the mailer in a Lambda bundle', () => {
  it('carries the composer alone: no nodemailer, no MIME parser (issue 13)', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('../src/ses-mailer.ts', import.meta.url))],
      bundle: true,
      minify: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      external: ['@aws-sdk/*'],
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((i) => /nodemailer|mailparser|libmime|iconv-lite/.test(i))).toEqual([]);
    const mime = inputs.filter((i) => /(^|\/)mime\/src\//.test(i)).map((i) => i.replace(/.*mime\/src\//, ''));
    expect(mime.sort()).toEqual(['compose.ts', 'encode.ts']);
  });
});
