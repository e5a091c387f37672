import { describe, expect, it } from 'vitest';
import { annotateCorrelation, currentCorrelation, withCorrelation } from '../src/correlation.ts';
import { type BusEvent, parseEvent, TicketReceived, toBusEvent } from '../src/events.ts';
import { commitWithRetry, eventEntry, reconcileOutbox } from '../src/outbox.ts';
import type { OutboxEntry, OutboxRef, OutboxStore, PendingOutbox } from '../src/ports.ts';

const detail = {
  eventId: 'acme:t1:received',
  occurredAt: '2026-11-03T15:00:00.000Z',
  tenantId: 'acme',
  ticketId: 't1',
  number: 1,
  channel: 'web' as const,
  receivedAt: '2026-11-03T15:00:00.000Z',
  ticketVersion: 1,
};

const envelopeOf = (eventDetail: Record<string, unknown>) => ({
  id: 'e1',
  'detail-type': 'TicketReceived',
  source: 'psa.intake',
  time: '2026-11-03T15:00:00Z',
  detail: eventDetail,
});

describe('the correlation id on events', () => {
  it('is stamped on every event built inside a correlation scope', () => {
    const event = withCorrelation({ correlationId: 'req-1' }, () => toBusEvent(TicketReceived, detail));
    expect(event.detail.correlationId).toBe('req-1');
  });

  it('is left out of an event built outside any scope, which reads exactly as before', () => {
    const event = toBusEvent(TicketReceived, detail);
    expect(event.detail).not.toHaveProperty('correlationId');
    expect(parseEvent(TicketReceived, envelopeOf(event.detail))).toEqual({ ...detail, schemaVersion: 1 });
  });

  it('keeps the id a detail names itself (an event re-emitted on behalf of an earlier request)', () => {
    const event = withCorrelation({ correlationId: 'sweep-run' }, () =>
      toBusEvent(TicketReceived, { ...detail, correlationId: 'req-0' }),
    );
    expect(event.detail.correlationId).toBe('req-0');
  });

  it('survives parsing at the consumer, still at schemaVersion 1', () => {
    const event = withCorrelation({ correlationId: 'req-1' }, () => toBusEvent(TicketReceived, detail));
    expect(parseEvent(TicketReceived, envelopeOf(event.detail))).toMatchObject({
      schemaVersion: 1,
      correlationId: 'req-1',
    });
  });

  it('refuses an empty correlation id', () => {
    expect(() =>
      parseEvent(TicketReceived, envelopeOf({ ...detail, schemaVersion: 1, correlationId: '' })),
    ).toThrow('correlationId');
  });
});

describe('correlation scopes', () => {
  it('keeps concurrent scopes apart, annotations included', async () => {
    const seen = await Promise.all(
      ['a', 'b'].map((id) =>
        withCorrelation({ correlationId: id }, async () => {
          await new Promise((r) => setTimeout(r, id === 'a' ? 5 : 0));
          annotateCorrelation({ ticketId: `ticket-${id}` });
          await new Promise((r) => setTimeout(r, 1));
          return currentCorrelation();
        }),
      ),
    );
    expect(seen).toEqual([
      { correlationId: 'a', ticketId: 'ticket-a' },
      { correlationId: 'b', ticketId: 'ticket-b' },
    ]);
    expect(currentCorrelation()).toBeUndefined();
  });

  it('ignores an annotation outside any scope and a key given as undefined', () => {
    annotateCorrelation({ tenantId: 'acme' });
    expect(currentCorrelation()).toBeUndefined();
    const scope = withCorrelation({ correlationId: 'c', tenantId: 'acme' }, () => {
      annotateCorrelation({ tenantId: undefined, ticketId: 't1' });
      return currentCorrelation();
    });
    expect(scope).toEqual({ correlationId: 'c', tenantId: 'acme', ticketId: 't1' });
  });
});

describe('the correlation id through the outbox', () => {
  it('reaches the bus with an event the reconciler delivers long after, outside any scope', async () => {
    const kept = new Map<OutboxRef, OutboxEntry[]>();
    const outbox: OutboxStore = {
      clear: async (ref, ids) =>
        void kept.set(
          ref,
          (kept.get(ref) ?? []).filter((e) => !ids.includes(e.id)),
        ),
      listPending: async (): Promise<PendingOutbox[]> =>
        [...kept].filter(([, entries]) => entries.length > 0).map(([ref, entries]) => ({ ref, entries })),
      defer: async () => undefined,
      deadLetter: async () => undefined,
      listDeadLetters: async () => [],
    };
    const delivered: BusEvent[] = [];
    let busUp = false;
    const bus = {
      publish: async (events: BusEvent[]) => {
        if (!busUp) throw new Error('bus down');
        delivered.push(...events);
      },
    };
    const ref = 'ticket#t1' as OutboxRef;
    await withCorrelation({ correlationId: 'req-9' }, () =>
      commitWithRetry(
        {
          read: async () => null,
          decide: () => ({ next: 1, entries: [eventEntry('e1', toBusEvent(TicketReceived, detail))] }),
          write: async (_next, entries) => {
            kept.set(ref, entries);
            return ref;
          },
        },
        { bus, outbox, logger: { warn: () => undefined } },
      ),
    );
    expect(delivered).toEqual([]);

    busUp = true;
    await reconcileOutbox({ bus, outbox, now: () => new Date('2026-11-03T16:00:00.000Z') });
    expect(currentCorrelation()).toBeUndefined();
    expect(delivered.map((e) => e.detail.correlationId)).toEqual(['req-9']);
  });
});
