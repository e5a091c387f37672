import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import { createDocumentClient } from '@psa/aws/dynamo-client';
import { DynamoMailStore } from '@psa/aws/dynamo-mail-store';
import { S3MultipartBlobStore } from '@psa/aws/s3-multipart-blob-store';
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
 * the SES receipt rule's S3 action would, then hands the event SES sends to `accept`, which
 * records the email handler's invocation durably (Lambda's asynchronous invocation queue). It
 * answers 250 only once both are done, so a mail acknowledged is processed even across a crash.
 */
export async function startSmtp(opts: {
  port: number;
  tableName: string;
  bucket: string;
  /** Durably queues the email handler's invocation; once it returns, the mail is accepted. */
  accept: (event: ReturnType<typeof sesEvent>) => void;
  /** On close, how long sessions still talking may finish before they get a 421. */
  closeTimeoutMs?: number;
  /** Endpoints of the emulators (SES's own storage); default: the SDK's (`AWS_ENDPOINT_URL_*`). */
  endpoints?: { dynamodb?: string; s3?: string };
}): Promise<{ url: string; port: number; close: () => Promise<void> }> {
  const { dynamodb, s3 } = opts.endpoints ?? {};
  const mail = new DynamoMailStore(
    createDocumentClient(dynamodb ? { endpoint: dynamodb } : {}),
    opts.tableName,
  );
  const blobs = new S3MultipartBlobStore(
    new S3Client({ forcePathStyle: true, ...(s3 ? { endpoint: s3 } : {}) }),
    opts.bucket,
  );
  /** Sessions whose message is being received: a close lets them finish. */
  const receiving = new Set<string>();
  const server = new SMTPServer({
    name: 'psa.local',
    banner: 'co-managed IT ticket routing (local)',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: MAX_SMTP_BYTES,
    logger: false,
    closeTimeout: opts.closeTimeoutMs ?? 5_000,
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
    onData(stream, session, done) {
      receiving.add(session.id);
      const callback = (err?: Error) => {
        receiving.delete(session.id);
        done(err);
      };
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
          .then(() => {
            opts.accept(sesEvent(messageId, recipients, mailFrom));
            callback(); // stored and queued: accepted. Processing is retried and dead-lettered, never lost.
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
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Sessions not in the middle of a message have nothing to finish: they go at once (a
        // client mid-transaction resends the message, as it was never acknowledged).
        for (const connection of server.connections) {
          if (receiving.has(connection.id)) continue;
          connection.send(421, 'Server shutting down');
          connection.close();
        }
      }),
  };
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
