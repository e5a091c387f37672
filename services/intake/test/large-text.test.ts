import { queueMessage, RoutedTicketMessageSchema } from '@psa/contracts/queue-message';
import { parseMail } from '@psa/mime/parse';
import { ValidationError } from '@psa/model/errors';
import { queueEntry } from '@psa/model/outbox';
import type { TicketStore } from '@psa/model/ports';
import { BODY_EXCERPT_BYTES, SUBJECT_EXCERPT_BYTES, type Ticket } from '@psa/model/ticket';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { receiveEmail } from '../src/domain/email/receive-email.ts';
import { createTicket } from '../src/domain/submit-ticket.ts';
import { rawMail } from './raw-mail.ts';
import { startTestBucket } from './s3.ts';
import { type Intake, startIntake, token } from './support.ts';

/**
 * Text far larger than a DynamoDB item (400 KB, in AWS and in dynalite alike) becomes a ticket
 * like any other: its records keep excerpts, the blob store (the S3 emulator here) the whole
 * text, the router's write still fits, and the API answers with every character.
 */
let intake: Intake;
let bucket: Awaited<ReturnType<typeof startTestBucket>>;
beforeEach(async () => {
  intake = await startIntake();
  bucket = await startTestBucket();
  intake.deps.blobs = bucket.blobs;
});
afterEach(async () => {
  await intake.stop();
  await bucket.stop();
});

/** About `bytes` of plain text in short lines, every line different. */
function longText(bytes: number): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = `line ${i}: the backup job on FS01 failed again with error 0x80070005 (access denied)`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n');
}

const bytes = (s: string) => Buffer.byteLength(s);

/** The write the router makes when it routes a ticket: the decision, with the queue message in its outbox. */
async function routeAsTheRouterWrites(ticket: Ticket): Promise<Ticket> {
  const dow = await intake.deps.tenants.getDivisionOfWork(ticket.tenantId);
  const at = intake.clock.now().toISOString();
  const routed: Ticket = {
    ...ticket,
    owner: 'partner',
    workload: 'general-request',
    priority: 'P3',
    afterHours: false,
    handleMinutes: 20,
    routing: {
      rule: 'workload-owner',
      reasons: ['general requests are the partner’s'],
      confidence: 0.9,
      divisionOfWorkVersion: 1,
      runnerUp: null,
      flags: { guardrail: false, vip: false, afterHours: false, overflow: false, triage: false },
      decidedAt: at,
    },
    updatedAt: at,
    version: ticket.version + 1,
  };
  const message = queueMessage(routed, dow!);
  await intake.deps.tickets.update(routed, [queueEntry(`${ticket.id}:queued`, 'partner', message)]);
  expect(RoutedTicketMessageSchema.parse(JSON.parse(message.body)).ticket.body).toBe(ticket.body);
  return routed;
}

describe('a text mail far over the item limit', () => {
  it.each([
    ['~500 KB', 500_000],
    ['~5 MB', 5_000_000],
  ])('of %s becomes a ticket that can be routed, and the API returns its whole text', async (_, size) => {
    const raw = rawMail({
      from: 'Dana <dana@example.net>',
      subject: 'Backup log attached inline',
      messageId: `big-${size}@example.net`,
      body: longText(size),
    });
    const rawKey = `inbound/big-${size}`;
    await intake.deps.blobs.put(rawKey, raw);
    const [outcome] = await receiveEmail({ rawKey, recipients: ['support@acme.example'] }, intake.deps);
    expect(outcome).toMatchObject({ outcome: 'created' });
    const ticketId = (outcome as { ticketId: string }).ticketId;

    const parsed = await parseMail(new TextEncoder().encode(raw));
    if (!parsed.ok) throw new Error(parsed.reason);
    const text = parsed.mail.text;
    expect(bytes(text)).toBeGreaterThan(400 * 1024);

    const stored = await intake.deps.tickets.get('acme', ticketId);
    expect(bytes(stored!.body)).toBeLessThanOrEqual(BODY_EXCERPT_BYTES);
    expect(text.startsWith(stored!.body)).toBe(true);
    const [message] = await intake.deps.messages.list('acme', ticketId);
    expect(bytes(message!.text)).toBeLessThanOrEqual(BODY_EXCERPT_BYTES);

    const routed = await routeAsTheRouterWrites(stored!);
    expect(await intake.deps.tickets.get('acme', ticketId)).toMatchObject({
      owner: 'partner',
      version: routed.version,
    });

    const read = await intake.call('GET', `/v1/tenants/acme/tickets/${ticketId}`, {
      token: await token({ role: 'internal', email: 'lead@acme.example' }),
    });
    expect(read.status).toBe(200);
    expect(read.body.body).toBe(text);
    expect(read.body.messages.map((m: { text: string }) => m.text)).toEqual([text]);
    expect(read.body).not.toHaveProperty('fullTextKey');
    expect(read.body.messages[0]).not.toHaveProperty('textKey');
  });
});

describe('a web ticket of 300 KB', () => {
  const subject = 'é'.repeat(998); // 1,996 bytes: the longest subject the API takes, nearly
  const body = '€'.repeat(100_000); // 300,000 bytes: as many characters as the API takes

  it('is accepted, can be routed, and reads back whole', async () => {
    const requester = await token({ role: 'requester', email: 'pat@acme.example' });
    const created = await intake.call('POST', '/v1/tenants/acme/tickets', {
      token: requester,
      body: { subject: `${subject.slice(0, 990)}€€€€€€€€`, body },
    });
    expect(created.status).toBe(201);
    expect(created.body.body).toBe(body);

    const stored = await intake.deps.tickets.get('acme', created.body.id);
    expect(bytes(stored!.body)).toBeLessThanOrEqual(BODY_EXCERPT_BYTES);
    expect(bytes(stored!.subject)).toBeLessThanOrEqual(SUBJECT_EXCERPT_BYTES);
    await routeAsTheRouterWrites(stored!);

    const read = await intake.call('GET', `/v1/tenants/acme/tickets/${created.body.id}`, {
      token: requester,
    });
    expect(read.body.subject).toBe(`${subject.slice(0, 990)}€€€€€€€€`);
    expect(read.body.body).toBe(body);
    expect(read.body.messages[0].text).toBe(body);
  });

  it('answers 400 naming body.body for a body over the API’s 100,000 characters', async () => {
    const res = await intake.call('POST', '/v1/tenants/acme/tickets', {
      token: await token({ role: 'requester', email: 'pat@acme.example' }),
      body: { subject: 'too long', body: 'x'.repeat(100_001) },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['body.body']);
  });
});

describe('a mail the table refuses to store', () => {
  async function receiveWith(tickets: TicketStore, messageId: string) {
    const rawKey = `inbound/${messageId}`;
    await intake.deps.blobs.put(
      rawKey,
      rawMail({ from: 'lee@example.net', subject: 'Printer on fire', messageId, body: 'Smoke.' }),
    );
    const real = intake.deps.tickets;
    intake.deps.tickets = tickets;
    try {
      return await receiveEmail({ rawKey, recipients: ['support@acme.example'] }, intake.deps);
    } finally {
      intake.deps.tickets = real;
    }
  }

  it('is quarantined with the reason when the refusal is for good, never dropped', async () => {
    const refusing: TicketStore = Object.create(intake.deps.tickets);
    refusing.create = async (t) => {
      throw new ValidationError(
        `ticket ${t.id} cannot be stored: Item size has exceeded the maximum allowed size`,
      );
    };
    const [outcome] = await receiveWith(refusing, 'refused@example.net');
    expect(outcome).toMatchObject({ outcome: 'quarantined', reason: expect.stringContaining('Item size') });
    const listed = await intake.deps.mail.listQuarantine('acme', 10);
    expect(listed.items).toEqual([
      expect.objectContaining({ subject: 'Printer on fire', reason: expect.stringContaining('Item size') }),
    ]);
  });

  it('is left to the retries, not quarantined, when the failure may pass', async () => {
    const throttled: TicketStore = Object.create(intake.deps.tickets);
    throttled.create = async () => {
      throw Object.assign(new Error('Throughput exceeds the current capacity'), {
        name: 'ProvisionedThroughputExceededException',
      });
    };
    await expect(receiveWith(throttled, 'throttled@example.net')).rejects.toThrow(/capacity/);
    expect((await intake.deps.mail.listQuarantine('acme', 10)).items).toEqual([]);
  });

  it('takes no ticket number when a redelivery finds its ticket already stored', async () => {
    let numbers = 0;
    const counting: TicketStore = Object.create(intake.deps.tickets);
    counting.nextNumber = (tenantId) => {
      numbers++;
      return intake.deps.tickets.nextNumber(tenantId);
    };
    const spec = {
      tenantId: 'acme',
      id: '0b7c3f9e-1d2a-5c4b-a123-456789abcdef',
      subject: 'Printer on fire',
      body: 'Smoke.',
      channel: 'email' as const,
      requester: { email: 'lee@example.net' },
      requestedPriority: null,
      mayExist: true,
    };
    const first = await createTicket(spec, { ...intake.deps, tickets: counting });
    const again = await createTicket(spec, { ...intake.deps, tickets: counting });
    expect([first.created, again.created]).toEqual([true, false]);
    expect(again.ticket.number).toBe(first.ticket.number);
    expect(numbers).toBe(1);
  });
});
