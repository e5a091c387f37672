import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseMail } from '@psa/mime/parse';
import nodemailer from 'nodemailer';

/** Where the local SES puts a message it accepted. */
export interface OutgoingMailSink {
  deliver(raw: Buffer, envelope: { messageId: string; from: string; to: string[] }): Promise<void>;
}

/** The default: each outgoing mail as an .eml file in a folder, for a user to open. */
export class FolderOutbox implements OutgoingMailSink {
  private readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
  }
  async deliver(raw: Buffer, envelope: { messageId: string }): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const safe = envelope.messageId.replace(/[^a-zA-Z0-9._-]/g, '_');
    await writeFile(join(this.dir, `${safe}.eml`), raw);
  }
}

/** `PSA_SMTP_RELAY`: hand each outgoing mail, unchanged, to an SMTP server (e.g. a mail catcher). */
export class SmtpRelay implements OutgoingMailSink {
  private readonly transport: ReturnType<typeof nodemailer.createTransport>;
  constructor(url: string) {
    this.transport = nodemailer.createTransport(url);
  }
  async deliver(raw: Buffer, envelope: { from: string; to: string[] }): Promise<void> {
    await this.transport.sendMail({ envelope: { from: envelope.from, to: envelope.to }, raw });
  }
  close(): void {
    this.transport.close();
  }
}

/**
 * The local stand-in for SES sending: an HTTP endpoint speaking SES v2 `SendEmail` with raw
 * content (https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html), so the
 * functions send mail with the very SesMailer they use in AWS (`AWS_ENDPOINT_URL_SESV2` points its
 * client here). Like SES with a raw message, it takes the sender and recipients from the headers.
 */
export class LocalSes {
  private readonly sink: OutgoingMailSink;
  private server: Server | undefined;

  constructor(sink: OutgoingMailSink) {
    this.sink = sink;
  }

  async listen(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req)
        .then((body) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        })
        .catch((err: Error) => {
          res.writeHead(400, {
            'content-type': 'application/json',
            'x-amzn-errortype': 'BadRequestException',
          });
          res.end(JSON.stringify({ message: err.message }));
        });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    if (this.sink instanceof SmtpRelay) this.sink.close();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage): Promise<{ MessageId: string }> {
    if (req.method !== 'POST' || req.url !== '/v2/email/outbound-emails') {
      throw new Error(`unsupported operation ${req.method} ${req.url}`);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      Content?: { Raw?: { Data?: string } };
    };
    const data = request.Content?.Raw?.Data;
    if (!data) throw new Error('only raw content is supported (Content.Raw.Data)');
    const raw = Buffer.from(data, 'base64');
    const parsed = await parseMail(raw);
    if (!parsed.ok) throw new Error(`message rejected: ${parsed.reason}`);
    const { mail } = parsed;
    const to = [...mail.to, ...mail.cc].map((a) => a.address).filter(Boolean);
    if (!mail.from?.address || to.length === 0) throw new Error('the message names no sender or recipient');
    const messageId = mail.messageId ?? crypto.randomUUID();
    await this.sink.deliver(raw, { messageId, from: mail.from.address, to });
    return { MessageId: messageId };
  }
}
