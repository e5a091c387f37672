import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { composeMail } from '@psa/mime/compose';
import type { BlobStore, Mailer, OutgoingMail } from '@psa/model/ports';

/** A file to attach, with its bytes. */
export interface MailFile {
  filename: string;
  contentType: string;
  content: Uint8Array;
}

/**
 * Every mail the system sends is an automatic reply in RFC 3834's sense, so well-behaved
 * auto-responders on the other side never answer it (no loops).
 */
const LOOP_GUARD = [
  ['Auto-Submitted', 'auto-replied'],
  ['X-Auto-Response-Suppress', 'All'],
  ['Precedence', 'auto_reply'],
] as const;

/**
 * The raw message for `mail` with its files, as SES sends it. Composed by `@psa/mime/compose`
 * (a few KB) rather than nodemailer's composer, which weighs 130 KB in every function that
 * delivers mail.
 */
export function composeRaw(mail: OutgoingMail, files: readonly MailFile[] = [], now = new Date()): Buffer {
  return composeMail(
    {
      from: mail.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      ...(mail.html ? { html: mail.html } : {}),
      messageId: mail.messageId,
      ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
      ...(mail.references?.length ? { references: mail.references } : {}),
      attachments: files,
      headers: LOOP_GUARD,
    },
    { date: now },
  );
}

/**
 * The bytes of a mail's attachments from the blob store. A file that is not there fails the send
 * (the outbox keeps the mail and retries, then sets it aside with the error), never a mail that
 * silently lacks what its text promises.
 */
export async function readAttachments(mail: OutgoingMail, blobs: BlobStore | undefined): Promise<MailFile[]> {
  const refs = mail.attachments ?? [];
  if (refs.length === 0) return [];
  if (!blobs)
    throw new Error(`mail ${mail.messageId} has attachments but this function cannot read stored files`);
  return Promise.all(
    refs.map(async (ref) => {
      const content = await blobs.get(ref.blobKey);
      if (!content)
        throw new Error(
          `attachment ${ref.filename} of mail ${mail.messageId} is not stored (${ref.blobKey})`,
        );
      return { filename: ref.filename, contentType: ref.contentType, content };
    }),
  );
}

/**
 * SES v2 with the raw message, so our Message-ID and loop-guard headers go out as built. Locally
 * the client talks to the local runtime's SES endpoint, which keeps or relays the same bytes.
 */
export class SesMailer implements Mailer {
  private readonly client: SESv2Client;
  private readonly blobs: BlobStore | undefined;
  /** `blobs`: where the files of mails with attachments are read from. */
  constructor(client: SESv2Client, blobs?: BlobStore) {
    this.client = client;
    this.blobs = blobs;
  }
  async send(mail: OutgoingMail): Promise<void> {
    const raw = composeRaw(mail, await readAttachments(mail, this.blobs));
    await this.client.send(new SendEmailCommand({ Content: { Raw: { Data: raw } } }));
  }
}
