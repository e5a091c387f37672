import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SesMailer } from '@psa/aws/ses-mailer';
import type { OutgoingMail } from '@psa/model/ports';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderOutbox, LocalSes, SmtpRelay } from '../src/ses.ts';

const mail: OutgoingMail = {
  from: 'support@acme.example',
  to: 'alice@acme.example',
  subject: '[ACME-7] Printer on fire – bitte schnell',
  text: 'We received your request.',
  messageId: 'ack-7@psa.local',
  inReplyTo: 'first@mail.acme.example',
  references: ['first@mail.acme.example'],
};

/** The mailer every function uses in AWS, with its client pointed at the local SES endpoint. */
const sesMailer = (endpoint: string) =>
  new SesMailer(
    new SESv2Client({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    }),
  );

describe('the local SES endpoint', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'psa-ses-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('keeps what SesMailer sends as an .eml file named by its Message-ID, headers as built', async () => {
    const ses = new LocalSes(new FolderOutbox(join(dir, 'outbox')));
    const endpoint = await ses.listen();
    try {
      await sesMailer(endpoint).send(mail);
    } finally {
      await ses.close();
    }
    expect(await readdir(join(dir, 'outbox'))).toEqual(['ack-7_psa.local.eml']);
    const eml = await readFile(join(dir, 'outbox', 'ack-7_psa.local.eml'), 'utf8');
    expect(eml).toMatch(/^Message-ID: <ack-7@psa\.local>/m);
    expect(eml).toMatch(/^In-Reply-To: <first@mail\.acme\.example>/m);
    expect(eml).toMatch(/^Auto-Submitted: auto-replied/m);
    expect(eml).toMatch(/^To: alice@acme\.example/m);
  });

  it('relays the same bytes over SMTP with the sender and recipients from the headers', async () => {
    const received: { from: string; to: string[]; raw: string }[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as AddressInfo).port;
    const ses = new LocalSes(new SmtpRelay(`smtp://127.0.0.1:${port}`));
    const endpoint = await ses.listen();
    try {
      await sesMailer(endpoint).send(mail);
    } finally {
      await ses.close();
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ from: 'support@acme.example', to: ['alice@acme.example'] });
    expect(received[0]!.raw).toMatch(/^Message-ID: <ack-7@psa\.local>/m);
  });

  it('answers a request it cannot serve with an SES error the client raises', async () => {
    const ses = new LocalSes(new FolderOutbox(join(dir, 'unused')));
    const endpoint = await ses.listen();
    try {
      const response = await fetch(`${endpoint}/v2/email/outbound-emails`, {
        method: 'POST',
        body: JSON.stringify({ Content: { Simple: {} } }),
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('x-amzn-errortype')).toBe('BadRequestException');
    } finally {
      await ses.close();
    }
  });
});
