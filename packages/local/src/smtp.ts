import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import { createDocumentClient } from '@psa/aws/dynamo-client';
import { DynamoMailStore } from '@psa/aws/dynamo-mail-store';
import { S3BlobStore } from '@psa/aws/s3-blob-store';
import { rawKeyFor } from '@psa/contracts/email-keys';
import { baseAddress } from '@psa/intake/domain/email/receive-email';
import { SMTPServer } from 'smtp-server';

/**
 * What SES receiving takes: 40 MB, headers included (https://docs.aws.amazon.com/ses/latest/dg/quotas.html).
 * Above the default per-message limit (30 MB), so over-limit mail is kept and quarantined, not refused.
 */
const MAX_SMTP_BYTES = 40 * 1024 * 1024;

/**
 * The local stand-in for SES receiving: an SMTP listener on loopback. It refuses unknown
 * recipients at RCPT TO (550), stores each accepted message raw in the local S3 exactly where
 * the SES receipt rule's S3 action would, and invokes the same email handler with the event
 * shape SES sends. It answers 250 only once the message is stored, so nothing accepted is lost.
 */
export async function startSmtp(opts: {
  port: number;
  tableName: string;
  bucket: string;
  invoke: (event: unknown) => Promise<unknown>;
  log: (msg: string, extra?: unknown) => void;
}): Promise<{ url: string; port: number; close: () => Promise<void> }> {
  const mail = new DynamoMailStore(createDocumentClient(), opts.tableName);
  const blobs = new S3BlobStore(new S3Client({ forcePathStyle: true }), opts.bucket);
  const server = new SMTPServer({
    name: 'psa.local',
    banner: 'co-managed IT ticket routing (local)',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: MAX_SMTP_BYTES,
    logger: false,
    onRcptTo(address, _session, callback) {
      mail
        .tenantForAddress(baseAddress(address.address))
        .then((tenant) => {
          if (tenant) return callback();
          const err = Object.assign(new Error(`5.1.1 <${address.address}>: no such support address`), {
            responseCode: 550,
          });
          callback(err);
        })
        .catch((err: Error) => callback(Object.assign(err, { responseCode: 451 })));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          return callback(
            Object.assign(new Error('5.3.4 message too big for this system'), { responseCode: 552 }),
          );
        }
        const messageId = crypto.randomUUID();
        const recipients = session.envelope.rcptTo.map((r) => r.address);
        // `MAIL FROM:<>` arrives as an empty address: intake must see it to never answer it.
        const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        blobs
          .put(rawKeyFor(messageId), Buffer.concat(chunks), 'message/rfc822')
          .then(async () => {
            callback(); // stored: accepted. Processing failures are retried and dead-lettered, not lost.
            await processWithRetry(
              () => opts.invoke(sesEvent(messageId, recipients, mailFrom)),
              opts.log,
              messageId,
            );
          })
          .catch((err: Error) => callback(Object.assign(err, { responseCode: 451 })));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function processWithRetry(
  run: () => Promise<unknown>,
  log: (m: string, e?: unknown) => void,
  id: string,
) {
  // Lambda retries an asynchronous invocation twice; so do we.
  for (const delay of [0, 1000, 5000]) {
    if (delay) await new Promise((r) => setTimeout(r, delay));
    try {
      await run();
      return;
    } catch (err) {
      log(`email ${id} failed`, err);
    }
  }
}

/** The event a SES receipt rule's Lambda action delivers (the fields the handler reads, and more). */
export function sesEvent(messageId: string, recipients: string[], source = '') {
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: { messageId, timestamp: new Date().toISOString(), destination: recipients, source },
          receipt: { recipients, action: { type: 'Lambda', invocationType: 'Event' } },
        },
      },
    ],
  };
}
