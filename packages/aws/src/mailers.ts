import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer, OutgoingMail } from '@psa/model/ports';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';

/**
 * Every mail the system sends is an automatic reply in RFC 3834's sense, so well-behaved
 * auto-responders on the other side never answer it (no loops).
 */
function composerOptions(mail: OutgoingMail) {
  return {
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    messageId: `<${mail.messageId}>`,
    ...(mail.inReplyTo ? { inReplyTo: `<${mail.inReplyTo}>` } : {}),
    ...(mail.references?.length ? { references: mail.references.map((r) => `<${r}>`) } : {}),
    headers: {
      'Auto-Submitted': 'auto-replied',
      'X-Auto-Response-Suppress': 'All',
      Precedence: 'auto_reply',
    },
  };
}

export function composeRaw(mail: OutgoingMail): Promise<Buffer> {
  return new MailComposer(composerOptions(mail)).compile().build();
}

/** AWS: SES v2 with the raw message, so our Message-ID and loop-guard headers go out as built. */
export class SesMailer implements Mailer {
  private readonly client: SESv2Client;
  constructor(client: SESv2Client) {
    this.client = client;
  }
  async send(mail: OutgoingMail): Promise<void> {
    await this.client.send(new SendEmailCommand({ Content: { Raw: { Data: await composeRaw(mail) } } }));
  }
}

/** Local: relay through an SMTP server of the user's choosing (e.g. a mail catcher). */
export class SmtpMailer implements Mailer {
  private readonly transport: ReturnType<typeof nodemailer.createTransport>;
  constructor(url: string) {
    this.transport = nodemailer.createTransport(url);
  }
  async send(mail: OutgoingMail): Promise<void> {
    await this.transport.sendMail(composerOptions(mail));
  }
}

/** Local default: write each outgoing mail as an .eml file a user can open. */
export class FolderMailer implements Mailer {
  private readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
  }
  async send(mail: OutgoingMail): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const safe = mail.messageId.replace(/[^a-zA-Z0-9._-]/g, '_');
    await writeFile(join(this.dir, `${safe}.eml`), await composeRaw(mail));
  }
}
