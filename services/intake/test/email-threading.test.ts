import type { MessageStore } from '@psa/model/ports';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type EmailOutcome, receiveEmail } from '../src/domain/email/receive-email.ts';
import { MAX_THREAD_REFERENCES } from '../src/domain/email/thread.ts';
import { rawMail } from './raw-mail.ts';
import { type Intake, startIntake, token } from './support.ts';

/** Which tickets email replies thread into, and what the ticket's conversation then shows. */
let intake: Intake;
/** Message-IDs the use case asked the message store about, one entry per id. */
let lookedUp: string[];

beforeEach(async () => {
  intake = await startIntake();
  lookedUp = [];
  const store = intake.deps.messages;
  const counting: MessageStore = {
    add: (...args) => store.add(...args),
    list: (...args) => store.list(...args),
    registerMessageId: (...args) => store.registerMessageId(...args),
    ticketForMessageId: (tenantId, id) => {
      lookedUp.push(id);
      return store.ticketForMessageId(tenantId, id);
    },
    ticketsForMessageIds: (tenantId, ids) => {
      lookedUp.push(...ids);
      return store.ticketsForMessageIds(tenantId, ids);
    },
  };
  intake.deps.messages = counting;
});
afterEach(() => intake.stop());

let mailSeq = 0;
async function receive(raw: string): Promise<EmailOutcome> {
  const rawKey = `inbound/threading-${++mailSeq}`;
  await intake.deps.blobs.put(rawKey, raw);
  const [outcome] = await receiveEmail({ rawKey, recipients: ['support@acme.example'] }, intake.deps);
  if (!outcome) throw new Error('no outcome');
  return outcome;
}

describe('an email reply to a web ticket', () => {
  it('keeps the web request as the first message and adds the reply after it', async () => {
    const requester = await token({ role: 'requester', email: 'pat@acme.example', name: 'Pat' });
    const created = await intake.call('POST', '/v1/tenants/acme/tickets', {
      token: requester,
      body: { subject: 'Printer jammed', body: 'The 2nd floor printer has a paper jam.' },
    });
    expect(created.status).toBe(201);
    intake.clock.advance(60_000);

    const outcome = await receive(
      rawMail({
        from: 'Pat <pat@acme.example>',
        subject: `Re: [${created.body.key}] Printer jammed`,
        messageId: 'reply-1@acme.example',
        body: 'It is jammed again, tray 2 this time.',
      }),
    );
    expect(outcome).toMatchObject({ outcome: 'threaded', ticketId: created.body.id });

    const read = await intake.call('GET', `/v1/tenants/acme/tickets/${created.body.id}`, {
      token: requester,
    });
    expect(read.status).toBe(200);
    expect(
      read.body.messages.map((m: { id: string; kind: string; text: string }) => [
        m.id,
        m.kind,
        m.text.trim(),
      ]),
    ).toEqual([
      ['initial', 'message', 'The 2nd floor printer has a paper jam.'],
      [expect.any(String), 'reply', 'It is jammed again, tray 2 this time.'],
    ]);
  });
});

describe('a References header with 10,000 ids', () => {
  it('threads by its last id and looks up only the newest ids, not all of them', async () => {
    const first = await receive(
      rawMail({
        from: 'sam@example.net',
        subject: 'VPN drops every hour',
        messageId: 'first@example.net',
        body: 'The VPN disconnects every hour on the hour.',
      }),
    );
    expect(first.outcome).toBe('created');
    lookedUp = [];

    const references = [
      ...Array.from({ length: 9_999 }, (_, i) => `ref-${i}@elsewhere.example`),
      'first@example.net',
    ];
    const reply = await receive(
      rawMail({
        from: 'sam@example.net',
        subject: 'still broken',
        messageId: 'second@example.net',
        references,
        body: 'Still happening today.',
      }),
    );

    expect(reply).toMatchObject({ outcome: 'threaded', ticketId: (first as { ticketId: string }).ticketId });
    expect(lookedUp.length).toBeLessThanOrEqual(MAX_THREAD_REFERENCES);
    expect(lookedUp[0]).toBe('first@example.net');
  });

  it('opens a ticket, not a thread, when only an id older than the newest ones names a ticket', async () => {
    await receive(
      rawMail({ from: 'kim@example.net', subject: 'Old thread', messageId: 'old@example.net', body: 'x' }),
    );
    const references = [
      'old@example.net',
      ...Array.from({ length: MAX_THREAD_REFERENCES }, (_, i) => `newer-${i}@elsewhere.example`),
    ];
    const outcome = await receive(
      rawMail({
        from: 'kim@example.net',
        subject: 'New question',
        messageId: 'new@example.net',
        references,
        body: 'Something else entirely.',
      }),
    );
    expect(outcome.outcome).toBe('created');
    expect(lookedUp).not.toContain('old@example.net');
  });
});
