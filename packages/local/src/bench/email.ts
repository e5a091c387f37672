import { createDocumentClient } from '@psa/aws/dynamo-client';
import { DynamoTicketStore } from '@psa/aws/dynamo-ticket-store';
import { parseMail } from '@psa/mime/parse';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { RESOURCE_NAMES } from '../provision.ts';
import type { LocalStack } from '../stack.ts';
import { report } from './stats.ts';

const SUBJECTS = [
  'Locked out of my account',
  'VPN keeps dropping',
  'Laptop screen cracked',
  'Need access to the Finance share',
];

/** The goal: mail to a routed ticket at this share of the MIME parser's own rate, at least. */
const EMAIL_GOAL_PERCENT = 15;

/** Realistic support mail: a text and an HTML part, a quoted signature, a small attachment. */
async function messages(n: number): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const subject = `${SUBJECTS[i % SUBJECTS.length]} (#${i})`;
    out.push(
      await new MailComposer({
        from: `"User ${i}" <user${i}@acme.example>`,
        to: 'support@acme.example',
        subject,
        messageId: `<bench-${i}-${Date.now()}@acme.example>`,
        text: `Hello,\n\n${subject}. It started this morning.\n\nThanks,\nUser ${i}\n`,
        html: `<p>Hello,</p><p>${subject}. It started <b>this morning</b>.</p><p>Thanks,<br>User ${i}</p>`,
        attachments: [{ filename: 'screenshot.png', content: Buffer.alloc(20_000, i % 251) }],
      })
        .compile()
        .build(),
    );
  }
  return out;
}

/** Messages/s from SMTP to a routed ticket, beside the MIME parser's own messages/s on the same mail. */
export async function benchEmail({ stack }: { stack: LocalStack }, n = 150, concurrency = 4): Promise<void> {
  const raws = await messages(n);
  let t0 = performance.now();
  for (const raw of raws) {
    const r = await parseMail(raw);
    if (!r.ok) throw new Error(r.reason);
  }
  const parsePerSec = n / ((performance.now() - t0) / 1000);

  {
    const port = Number(new URL(stack.endpoints.smtp!).port);
    const smtp = nodemailer.createTransport({
      host: '127.0.0.1',
      port,
      secure: false,
      ignoreTLS: true,
      pool: true,
      maxConnections: concurrency,
    });
    const tickets = new DynamoTicketStore(createDocumentClient(), RESOURCE_NAMES.table);
    const openNow = async () =>
      (
        await Promise.all(
          (['partner', 'internal', 'triage'] as const).map((o) => tickets.countOpen('acme', o)),
        )
      ).reduce((a, b) => a + b, 0);
    const before = await openNow();
    t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < n) {
          const raw = raws[next++]!;
          await smtp.sendMail({
            envelope: { from: 'bench@acme.example', to: ['support@acme.example'] },
            raw,
          });
        }
      }),
    );
    // Routed: every ticket has its owner decided and queued.
    for (;;) {
      await stack.bus.idle();
      const open = (await openNow()) - before;
      if (open >= n) break;
      if (performance.now() - t0 > 120_000)
        throw new Error(`only ${open} of ${n} mails became routed tickets in 2 minutes`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const endToEnd = n / ((performance.now() - t0) / 1000);
    smtp.close();
    report('email: SMTP -> routed ticket', {
      messages: n,
      concurrency,
      messagesPerSec: Math.round(endToEnd * 10) / 10,
    });
    report('email: MIME parser alone', { messages: n, messagesPerSec: Math.round(parsePerSec) });
    const share = (100 * endToEnd) / parsePerSec;
    report('email: SMTP -> routed vs parser', {
      percent: share,
      goal: `>= ${EMAIL_GOAL_PERCENT}% of the parser's rate`,
      met: share >= EMAIL_GOAL_PERCENT ? 'yes' : 'NO',
    });
  }
}
