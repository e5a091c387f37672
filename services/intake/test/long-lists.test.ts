import type { Queue, QueueMessage, QueueName, TicketStore } from '@psa/model/ports';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Intake, startIntake, token } from './support.ts';

/**
 * A ticket's history and handoffs grow with every change; the ticket item (400 KB at most, in
 * AWS and in dynalite alike) must never be what stops the next change. Each list below holds
 * from 480 KB to 900 KB of notes and reasons, and every entry reads back in order.
 */
const TICKETS = '/v1/tenants/acme/tickets';
let intake: Intake;
const queued: [QueueName, QueueMessage][] = [];
beforeEach(async () => {
  intake = await startIntake();
  queued.length = 0;
  const queue: Queue = { send: async (name, message) => void queued.push([name, message]) };
  intake.deps.queue = queue;
});
afterEach(() => intake.stop());

/** A note as long as the API takes (10,000 characters), 30 KB in UTF-8, different for each `n`. */
const longNote = (n: number) => `${n}:`.padEnd(10_000, '€');

async function submit(): Promise<string> {
  const res = await intake.call('POST', TICKETS, {
    token: await token({ role: 'requester', email: 'pat@acme.example' }),
    body: { subject: 'Laptop keeps rebooting', body: 'Every few minutes since the update.' },
  });
  return res.body.id as string;
}

/** What the router writes when it routes a ticket to the partner. */
async function routeToPartner(id: string): Promise<void> {
  const t = await intake.deps.tickets.get('acme', id);
  const at = intake.clock.now().toISOString();
  await intake.deps.tickets.update(
    {
      ...t!,
      owner: 'partner',
      workload: 'general-request',
      priority: 'P3',
      afterHours: false,
      routing: {
        rule: 'workload-owner',
        reasons: ['general requests are the partner’s'],
        confidence: 0.9,
        divisionOfWorkVersion: 1,
        runnerUp: null,
        flags: { guardrail: false, vip: false, afterHours: false, overflow: false, triage: false },
        decidedAt: at,
      },
      version: t!.version + 1,
    },
    [],
  );
}

/** Each test makes a hundred or so API calls, each a few writes: more than the default 5 s. */
const MANY_CALLS = 60_000;

describe('a ticket with a long history', () => {
  it(
    'takes 30 status changes with 10,000-character notes and returns all of them in order',
    async () => {
      const id = await submit();
      const internal = await token({ role: 'internal', email: 'it@acme.example' });
      const statuses = ['in_progress', 'waiting_on_customer'] as const;
      for (let n = 0; n < 30; n++) {
        intake.clock.advance(60_000);
        const res = await intake.call('POST', `${TICKETS}/${id}/status`, {
          token: internal,
          body: { status: statuses[n % 2], note: longNote(n) },
        });
        expect(res.status, `change ${n}`).toBe(200);
      }

      const read = await intake.call('GET', `${TICKETS}/${id}`, { token: internal });
      expect(read.body.history).toHaveLength(30);
      expect(read.body.history.map((h: { note: string }) => h.note)).toEqual(
        Array.from({ length: 30 }, (_, n) => longNote(n)),
      );
      expect(read.body.history[0].from).toBe('new');
      for (let n = 1; n < 30; n++) expect(read.body.history[n].from).toBe(read.body.history[n - 1].to);

      const listed = await intake.call('GET', `${TICKETS}?limit=10`, { token: internal });
      expect(listed.body.items.find((t: { id: string }) => t.id === id).history).toEqual(read.body.history);
    },
    MANY_CALLS,
  );

  it(
    'keeps both of two concurrent changes of a ticket whose history no longer fits on its item',
    async () => {
      const id = await submit();
      const internal = await token({ role: 'internal', email: 'it@acme.example' });
      for (let n = 0; n < 20; n++) {
        await intake.call('POST', `${TICKETS}/${id}/status`, {
          token: internal,
          body: { status: n % 2 ? 'waiting_on_customer' : 'in_progress', note: longNote(n) },
        });
      }
      // 20 changes: the ticket is waiting on the customer; two colleagues answer at once, and
      // both read it before either writes, so one write loses and is made again on top.
      const real = intake.deps.tickets;
      let reads = 0;
      let release!: () => void;
      const bothRead = new Promise<void>((resolve) => {
        release = resolve;
      });
      const racing: TicketStore = Object.create(real);
      racing.get = async (tenantId, ticketId) => {
        const got = await real.get(tenantId, ticketId);
        if (++reads === 2) release();
        if (reads <= 2) await bothRead;
        return got;
      };
      intake.deps.tickets = racing;
      const [a, b] = await Promise.all([
        intake.call('POST', `${TICKETS}/${id}/status`, {
          token: internal,
          body: { status: 'in_progress', note: 'picked up by one' },
        }),
        intake.call('POST', `${TICKETS}/${id}/status`, {
          token: await token({ role: 'internal', email: 'other@acme.example', sub: 'other' }),
          body: { status: 'resolved', note: 'resolved by the other' },
        }),
      ]);
      intake.deps.tickets = real;
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(reads).toBeGreaterThan(2);

      const stored = await intake.deps.tickets.get('acme', id);
      expect(stored?.history).toHaveLength(22);
      expect(stored?.version).toBe(23);
      expect(
        stored?.history
          .slice(20)
          .map((h) => h.note)
          .sort(),
      ).toEqual(['picked up by one', 'resolved by the other']);
      expect(stored?.history.slice(0, 20).map((h) => h.note)).toEqual(
        Array.from({ length: 20 }, (_, n) => longNote(n)),
      );
    },
    MANY_CALLS,
  );
});

describe('a ticket handed back and forth', () => {
  it(
    'takes 80 handoffs with 2,000-character reasons and returns all of them in order',
    async () => {
      const id = await submit();
      await routeToPartner(id);
      const partner = await token({ role: 'partner', email: 'msp@partner.example' });
      const internal = await token({ role: 'internal', email: 'it@acme.example' });
      const reason = (n: number) => `${n}:`.padEnd(2_000, 'ü');
      for (let n = 0; n < 80; n++) {
        const to = n % 2 ? 'partner' : 'internal';
        const res = await intake.call('POST', `${TICKETS}/${id}/reassign`, {
          token: to === 'internal' ? partner : internal,
          body: { to, reason: reason(n) },
        });
        expect(res.status, `handoff ${n}`).toBe(200);
      }

      const read = await intake.call('GET', `${TICKETS}/${id}`, { token: internal });
      expect(read.body.owner).toBe('partner');
      expect(read.body.handoffs.map((h: { reason: string }) => h.reason)).toEqual(
        Array.from({ length: 80 }, (_, n) => reason(n)),
      );
      expect(queued).toHaveLength(80);
    },
    MANY_CALLS,
  );
});
