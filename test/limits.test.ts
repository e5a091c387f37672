import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { RoutedTicketMessageSchema } from '@psa/contracts/queue-message';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  eventually,
  mintToken,
  newDataDir,
  type RunningSystem,
  removeDataDir,
  startSystem,
} from './support/system.ts';

/**
 * Work at the edges of what AWS takes, through the local runtime as a user sends it: mail far
 * over DynamoDB's 400 KB item limit over real SMTP, and text with code points SQS refuses (and
 * emoji, which the local SQS emulator refuses although SQS takes them) through the real queues.
 * Each must become a routed ticket with SLA clocks, and its queue message must arrive.
 */
let dataDir: string;
let system: RunningSystem;
let internal: string;
let requester: string;
let smtp: ReturnType<typeof nodemailer.createTransport>;

beforeAll(async () => {
  dataDir = await newDataDir();
  system = await startSystem(dataDir, { PSA_CLOCK_START: '2026-11-03T15:00:00Z' });
  internal = await mintToken(dataDir, [
    '--tenant',
    'acme',
    '--role',
    'internal',
    '--email',
    'it@acme.example',
  ]);
  requester = await mintToken(dataDir, [
    '--tenant',
    'acme',
    '--role',
    'requester',
    '--email',
    'pat@acme.example',
  ]);
  const port = Number(new URL(system.endpoints.smtp!).port);
  smtp = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
});

afterAll(async () => {
  smtp?.close();
  await system?.stop();
  await removeDataDir(dataDir);
});

const routed = (id: string) =>
  eventually(
    () => api(system.endpoints.http, internal).get(`/v1/tenants/acme/tickets/${id}`),
    (r) => r.status === 200 && r.body.owner !== null && r.body.sla.length === 2,
    40_000,
  );

/** About `bytes` of plain text in short lines, every line different. */
function longText(bytes: number): string {
  const lines: string[] = [];
  for (let size = 0, i = 0; size < bytes; i++) {
    const line = `line ${i}: robocopy of \\\\fs01\\share stopped with error 5 (access is denied)`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n');
}

/** The routed-ticket message of `ticketId`, from whichever queue it was routed to. */
async function queueMessageOf(ticketId: string) {
  const sqs = new SQSClient({
    endpoint: system.endpoints.sqs,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  try {
    const found = await eventually(
      async () => {
        for (const url of Object.values(system.endpoints.queues)) {
          const out = await sqs.send(
            new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
          );
          for (const m of out.Messages ?? []) {
            await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle! }));
            const message = RoutedTicketMessageSchema.parse(JSON.parse(m.Body!));
            if (message.ticket.id === ticketId) return message;
          }
        }
        return null;
      },
      (m) => m !== null,
    );
    return found!;
  } finally {
    sqs.destroy();
  }
}

describe('a text mail far over the item limit, over SMTP', () => {
  it.each([
    ['~500 KB', 500_000],
    ['~5 MB', 5_000_000],
  ])(
    'of %s becomes a routed ticket with SLA clocks, and the API returns its text',
    async (_, size) => {
      const text = longText(size);
      const messageId = `<big-${size}@mail.example.net>`;
      await smtp.sendMail({
        from: 'dana@example.net',
        to: 'support@acme.example',
        subject: `Nightly copy log (${size} bytes)`,
        text,
        messageId,
      });
      const created = await eventually(
        () => api(system.endpoints.http, internal).get('/v1/tenants/acme/tickets?limit=100'),
        (r) => r.body.items.some((t: { subject: string }) => t.subject.includes(`(${size} bytes)`)),
        40_000,
      );
      const id = created.body.items.find((t: { subject: string }) =>
        t.subject.includes(`(${size} bytes)`),
      ).id;

      const ticket = (await routed(id)).body;
      expect(ticket.owner).not.toBeNull();
      expect(Buffer.byteLength(ticket.body)).toBeGreaterThan(400 * 1024);
      expect(ticket.body.startsWith('line 0: robocopy')).toBe(true);
      // The mail parser keeps the first 2,000,000 characters of a text; anything shorter is whole.
      if (text.length < 2_000_000) expect(ticket.body.trimEnd()).toBe(text);
      expect(ticket.messages).toHaveLength(1);
      expect(ticket.messages[0].text).toBe(ticket.body);

      const message = await queueMessageOf(id);
      expect(text.startsWith(message.ticket.body)).toBe(true);
    },
    120_000,
  );
});

describe('text with code points SQS refuses, and emoji', () => {
  it('becomes a routed ticket whose queue message arrives with the exact text', async () => {
    const subject = 'Drucker 🔥 brennt \uFFFE';
    const body = 'Non-characters \uFFFE and \uFFFF, emoji 😀🎉, a \u0001 control character.';
    const res = await api(system.endpoints.http, requester).post('/v1/tenants/acme/tickets', {
      subject,
      body,
    });
    expect(res.status).toBe(201);

    const ticket = (await routed(res.body.id)).body;
    expect(ticket.body).toBe(body);

    const message = await queueMessageOf(res.body.id);
    expect(message.ticket.subject).toBe(subject);
    expect(message.ticket.body).toBe(body);
  }, 60_000);
});
