import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer, OutgoingMail } from '@psa/model/ports';
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
    ...(mail.html ? { html: mail.html } : {}),
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

/**
 * SES v2 with the raw message, so our Message-ID and loop-guard headers go out as built. Locally
 * the client talks to the local runtime's SES endpoint, which keeps or relays the same bytes.
 */
export class SesMailer implements Mailer {
  private readonly client: SESv2Client;
  constructor(client: SESv2Client) {
    this.client = client;
  }
  async send(mail: OutgoingMail): Promise<void> {
    await this.client.send(new SendEmailCommand({ Content: { Raw: { Data: await composeRaw(mail) } } }));
  }
}
