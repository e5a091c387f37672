import { DynamoOutboxStore } from '@psa/aws/dynamo-outbox';
import { DynamoReportStore } from '@psa/aws/dynamo-report-store';
import { DynamoTicketStore } from '@psa/aws/dynamo-ticket-store';
import { ManualClock } from '@psa/model/clock';
import type { BusEvent } from '@psa/model/events';
import { eventEntry, mailEntry, queueEntry } from '@psa/model/outbox';
import type { EventBus, Mailer, OutgoingMail, Queue, QueueMessage, QueueName } from '@psa/model/ports';
import { startTestTable, ticketFixture } from '@psa/testing/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { composeOutbox } from '../src/composition.ts';
import { type ReconcileDeps, reconcile } from '../src/domain/reconcile.ts';

/** Records what it delivers; `down` makes it fail as an outage would. */
class Recorder<T> {
  readonly delivered: T[] = [];
  down = false;
  record(items: T[], what: string): void {
    if (this.down) throw new Error(`${what} unavailable`);
    this.delivered.push(...items);
  }
}

const busOf = (r: Recorder<string>): EventBus => ({
  publish: async (events: BusEvent[]) =>
    r.record(
      events.map((e) => String(e.detail.eventId)),
      'EventBridge',
    ),
});
const queueOf = (r: Recorder<string>): Queue => ({
  send: async (queue: QueueName, message: QueueMessage) => r.record([`${queue}:${message.body}`], 'SQS'),
});
const mailerOf = (r: Recorder<string>): Mailer => ({
  send: async (mail: OutgoingMail) => r.record([mail.to], 'SES'),
});

const event = (id: string): BusEvent => ({
  source: 'psa.test',
  detailType: 'Tested',
  detail: { eventId: id },
});
const ack: OutgoingMail = {
  from: 'support@acme.example',
  to: 'requester@acme.example',
  subject: '[ACME-1] printer',
  text: 'received',
  messageId: 'ack.1@acme.example',
};

let table: Awaited<ReturnType<typeof startTestTable>>;
let clock: ManualClock;
let events: Recorder<string>;
let messages: Recorder<string>;
let mails: Recorder<string>;
let logged: unknown[][];
let errors: [string, Record<string, unknown>][];
let deps: ReconcileDeps;

beforeEach(async () => {
  table = await startTestTable();
  clock = new ManualClock('2026-12-01T05:00:00.000Z');
  events = new Recorder();
  messages = new Recorder();
  mails = new Recorder();
  logged = [];
  errors = [];
  deps = {
    clock,
    logger: {
      info: (...args: unknown[]) => logged.push(args),
      error: (message: string, attributes: Record<string, unknown>) => errors.push([message, attributes]),
    } as ReconcileDeps['logger'],
    outbox: new DynamoOutboxStore(table.doc, table.tableName),
    bus: busOf(events),
    queue: queueOf(messages),
    mailer: mailerOf(mails),
  };
});
afterEach(() => table.stop());

/** What two services commit and, their delivery having failed, leave in their outboxes. */
async function leaveUndelivered(): Promise<void> {
  const now = () => clock.now();
  const ticket = ticketFixture({ receivedAt: clock.now().toISOString() });
  await new DynamoTicketStore(table.doc, table.tableName, now).create(ticket, [
    eventEntry('received', event('received')),
    queueEntry('queued', 'partner', { body: '{"ticket":1}', attributes: {} }),
    mailEntry('ack', ack),
  ]);
  await new DynamoReportStore(table.doc, table.tableName, now).recordRelief('acme', '2026-11', [
    eventEntry('relief', event('relief')),
  ]);
}

describe('reconcile', () => {
  it('delivers every service’s undelivered events, queue messages and mail once they are past the grace period', async () => {
    await leaveUndelivered();
    clock.advance(10_000); // the writers may still be delivering their own
    expect(await reconcile(deps)).toEqual({ records: 0, failures: 0 });
    expect(logged).toEqual([]);

    clock.advance(25_000);
    expect(await reconcile(deps)).toEqual({ records: 2, failures: 0 });
    expect(events.delivered.sort()).toEqual(['received', 'relief']);
    expect(messages.delivered).toEqual(['partner:{"ticket":1}']);
    expect(mails.delivered).toEqual(['requester@acme.example']);
    expect(logged).toEqual([['outbox reconciled', { records: 2, failures: 0 }]]);

    expect(await reconcile(deps)).toEqual({ records: 0, failures: 0 });
    expect(events.delivered).toHaveLength(2);
  });

  it('keeps what still fails for the next run and delivers the rest only once', async () => {
    await leaveUndelivered();
    clock.advance(60_000);
    messages.down = true;
    expect(await reconcile(deps)).toEqual({ records: 2, failures: 1 });
    expect(messages.delivered).toEqual([]);

    messages.down = false;
    clock.advance(60_000);
    expect(await reconcile(deps)).toEqual({ records: 1, failures: 0 });
    expect(messages.delivered).toEqual(['partner:{"ticket":1}']);
    expect(events.delivered.sort()).toEqual(['received', 'relief']);
    expect(mails.delivered).toEqual(['requester@acme.example']);
  });
});

/** A queue that refuses every message whose body says `poison`, as SQS refuses a bad body for good. */
function refusePoison(): void {
  deps.queue = {
    send: async (queue: QueueName, message: QueueMessage) => {
      if (message.body.includes('poison')) throw new Error('InvalidMessageContents: refused for good');
      messages.delivered.push(`${queue}:${message.body}`);
    },
  };
}

/** A ticket whose routing left one queue message undelivered in its outbox. */
async function leaveQueueMessage(body: string): Promise<string> {
  const ticket = ticketFixture({ receivedAt: clock.now().toISOString() });
  await new DynamoTicketStore(table.doc, table.tableName, () => clock.now()).create(ticket, [
    queueEntry(`${ticket.id}:queued`, 'partner', { body, attributes: {} }),
  ]);
  return ticket.id;
}

describe('entries that keep failing', () => {
  it('never hold up a good entry behind them: 150 poison entries older than it, one run delivers it', async () => {
    refusePoison();
    for (let i = 0; i < 150; i++) {
      await leaveQueueMessage(`{"poison":${i}}`);
      clock.advance(10);
    }
    await leaveQueueMessage('{"good":true}');
    clock.advance(60_000);

    expect(await reconcile(deps)).toEqual({ records: 151, failures: 150 });
    expect(messages.delivered).toEqual(['partner:{"good":true}']);
  }, 30_000);

  it('wait longer after each failure, and become dead letters, kept and reported, after the last attempt', async () => {
    refusePoison();
    const poisoned = await leaveQueueMessage('{"poison":1}');
    clock.advance(60_000);
    const outbox = deps.outbox;
    const runs: number[] = [];
    for (let minute = 0; minute < 8 * 60; minute++) {
      runs.push((await reconcile(deps)).records);
      clock.advance(60_000);
    }
    // Tried at once, again at the next run, then after 1, 2, 4, 8, 16, 32, 60, 60 and 60 minutes
    // (plus the grace period each time): 12 attempts in about five hours, then set aside.
    expect(runs.reduce((n, r) => n + r, 0)).toBe(12);
    expect(await outbox.listPending(new Date('2100-01-01T00:00:00Z'), 100)).toEqual([]);
    const [letter] = await outbox.listDeadLetters(10);
    expect(letter).toMatchObject({
      entry: { id: `${poisoned}:queued`, kind: 'queue' },
      attempts: 12,
      error: 'InvalidMessageContents: refused for good',
    });
    expect(errors).toEqual([
      [
        'outbox entry dead-lettered',
        expect.objectContaining({
          entryId: `${poisoned}:queued`,
          attempts: 12,
          OutboxDeadLetters: 1,
          _aws: expect.objectContaining({
            CloudWatchMetrics: [
              expect.objectContaining({ Metrics: [{ Name: 'OutboxDeadLetters', Unit: 'Count' }] }),
            ],
          }),
        }),
      ],
    ]);
  }, 30_000);

  it('leave the good entries of their own record to go out at once', async () => {
    refusePoison();
    const ticket = ticketFixture({ receivedAt: clock.now().toISOString() });
    await new DynamoTicketStore(table.doc, table.tableName, () => clock.now()).create(ticket, [
      queueEntry('bad', 'partner', { body: '{"poison":true}', attributes: {} }),
      eventEntry('received', event('received')),
    ]);
    clock.advance(60_000);
    expect(await reconcile(deps)).toEqual({ records: 1, failures: 1 });
    expect(events.delivered).toEqual(['received']);
    const [pending] = await deps.outbox.listPending(new Date('2100-01-01T00:00:00Z'), 10);
    expect(pending?.entries.map((e) => e.id)).toEqual(['bad']);
    expect(pending?.attempts).toEqual({ bad: 1 });
  });
});

describe('composeOutbox', () => {
  it('fails at cold start naming each variable the reconciler needs and was not given', () => {
    expect(() => composeOutbox({ TABLE_NAME: 'psa', EVENT_BUS_NAME: 'psa' })).toThrow(
      /PARTNER_QUEUE_URL.*INTERNAL_QUEUE_URL.*TRIAGE_QUEUE_URL.*BLOB_BUCKET/,
    );
  });

  it('builds a queue and a mailer (reading files from the bucket) besides the bus, since it delivers every kind of entry', () => {
    const composed = composeOutbox({
      TABLE_NAME: 'psa',
      EVENT_BUS_NAME: 'psa',
      PARTNER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/partner',
      INTERNAL_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/internal',
      TRIAGE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/triage',
      BLOB_BUCKET: 'psa-blobs',
    });
    expect(composed.queue).toBeDefined();
    expect(composed.mailer).toBeDefined();
    expect(composed.bus).toBeDefined();
  });
});
