import { withCorrelation } from '@psa/model/correlation';
import { type BusEvent, parseEvent, TicketReceived, TicketRouted, toBusEvent } from '@psa/model/events';
import { describe, expect, it } from 'vitest';
import { eventHandler, instrument, loggingRedeliveries, scheduledHandler } from '../src/handler.ts';
import { createLogger } from '../src/logger.ts';
import { stdoutLines } from './support.ts';

const detail = {
  eventId: 'acme:t1:received',
  occurredAt: '2026-12-07T09:00:00.000Z',
  tenantId: 'acme',
  ticketId: 't1',
  number: 1,
  channel: 'web',
  receivedAt: '2026-12-07T09:00:00.000Z',
  ticketVersion: 1,
} as const;
const received = { ...detail, schemaVersion: 1 };

const envelope = (detail: Record<string, unknown>) => ({
  version: '0',
  id: 'eventbridge-id-1',
  'detail-type': 'TicketReceived',
  source: 'psa.intake',
  time: '2026-12-07T09:00:00Z',
  detail,
});

const context = { functionName: 'RouterOnTicketReceived', awsRequestId: 'invocation-1' } as Parameters<
  ReturnType<typeof scheduledHandler>
>[1];

/** A router-like function: what it publishes, and its handler, which routes by publishing TicketRouted. */
function routerLike(work?: () => Promise<void>) {
  const published: BusEvent[] = [];
  const o = instrument({
    logger: createLogger({ serviceName: 'router' }),
    bus: { publish: async (events: BusEvent[]) => void published.push(...events) },
  });
  const handler = eventHandler(
    o,
    (event) => parseEvent(TicketReceived, event),
    async (detail) => {
      await work?.();
      const routed = toBusEvent(TicketRouted, {
        eventId: `${detail.tenantId}:${detail.ticketId}:routed`,
        occurredAt: detail.occurredAt,
        tenantId: detail.tenantId,
        ticketId: detail.ticketId,
        number: detail.number,
        owner: 'partner',
        workload: null,
        priority: 'P3',
        afterHours: false,
        receivedAt: detail.receivedAt,
        routing: {
          rule: 'workload-owner',
          reasons: ['default'],
          confidence: 1,
          divisionOfWorkVersion: 1,
          runnerUp: null,
          flags: { guardrail: false, vip: false, afterHours: false, overflow: false, triage: false },
          decidedAt: detail.occurredAt,
        },
        ticketVersion: 2,
      });
      await o.deps.bus.publish([routed]);
    },
  );
  return { handler, published };
}

const logLines = (lines: Record<string, unknown>[]) => lines.filter((l) => 'message' in l);

describe('eventHandler', () => {
  it('carries the event’s correlation id into the events it emits and onto its log line', async () => {
    const { handler, published } = routerLike();
    const lines = await stdoutLines(() =>
      handler(envelope({ ...received, correlationId: 'req-42' }), context),
    );
    expect(published.map((e) => e.detail.correlationId)).toEqual(['req-42']);
    expect(logLines(lines)).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'event handled',
        event: 'psa.intake/TicketReceived',
        service: 'router',
        function_name: 'RouterOnTicketReceived',
        function_request_id: 'invocation-1',
        correlationId: 'req-42',
        tenantId: 'acme',
        ticketId: 't1',
      }),
    ]);
  });

  it('counts what the function published (TicketsRouted by owner and rule)', async () => {
    const { handler } = routerLike();
    const lines = await stdoutLines(() => handler(envelope(received), context));
    expect(lines.filter((l) => '_aws' in l)).toEqual([
      expect.objectContaining({
        service: 'router',
        owner: 'partner',
        rule: 'workload-owner',
        TicketsRouted: 1,
      }),
    ]);
  });

  it('starts a chain at the EventBridge id of an event published without a correlation id', async () => {
    const { handler, published } = routerLike();
    await stdoutLines(() => handler(envelope(received), context));
    expect(published[0]!.detail.correlationId).toBe('eventbridge-id-1');
  });

  it('logs an event it cannot read and fails the invocation, so Lambda retries it', async () => {
    const { handler } = routerLike();
    let failure: unknown;
    const lines = await stdoutLines(() =>
      handler(envelope({ ...received, schemaVersion: 2 }), context).catch((err: unknown) => {
        failure = err;
      }),
    );
    expect(failure).toBeInstanceOf(Error);
    expect(logLines(lines)).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: 'event refused',
        correlationId: 'eventbridge-id-1',
      }),
    ]);
  });

  it('logs a failure inside the event’s scope before it propagates', async () => {
    const { handler } = routerLike(async () => {
      throw new Error('table unavailable');
    });
    let failure: unknown;
    const lines = await stdoutLines(() =>
      handler(envelope({ ...received, correlationId: 'req-7' }), context).catch((err: unknown) => {
        failure = err;
      }),
    );
    expect((failure as Error).message).toBe('table unavailable');
    expect(logLines(lines)).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: 'invocation failed',
        correlationId: 'req-7',
        ticketId: 't1',
        error: expect.objectContaining({ message: 'table unavailable' }),
      }),
    ]);
  });
});

describe('scheduledHandler', () => {
  it('runs under the invocation’s request id, which the events of the run carry', async () => {
    const { published } = routerLike();
    const o = instrument({
      logger: createLogger({ serviceName: 'sla' }),
      bus: { publish: async (events: BusEvent[]) => void published.push(...events) },
    });
    const handler = scheduledHandler(o, async () => {
      await o.deps.bus.publish([toBusEvent(TicketReceived, detail)]);
      o.logger.info('swept');
      return 'done';
    });
    const lines = await stdoutLines(async () => expect(await handler({}, context)).toBe('done'));
    expect(published[0]!.detail.correlationId).toBe('invocation-1');
    expect(logLines(lines)).toEqual([
      expect.objectContaining({ message: 'swept', correlationId: 'invocation-1' }),
    ]);
  });

  it('refuses dependencies whose logger is not a Powertools Logger', () => {
    expect(() => instrument({ logger: console })).toThrow('not a Powertools Logger');
  });
});

describe('loggingRedeliveries', () => {
  it('logs each event the reconciler re-delivers in the scope of the chain it belongs to', async () => {
    const delivered: BusEvent[] = [];
    const bus = loggingRedeliveries(
      { publish: async (events) => void delivered.push(...events) },
      createLogger({ serviceName: 'outbox' }),
    );
    const late = withCorrelation({ correlationId: 'req-42' }, () => toBusEvent(TicketReceived, detail));
    const lines = await stdoutLines(() =>
      withCorrelation({ correlationId: 'reconciler-run' }, () => bus.publish([late])),
    );
    expect(delivered).toEqual([late]);
    expect(logLines(lines)).toEqual([
      expect.objectContaining({
        message: 'event redelivered',
        service: 'outbox',
        event: 'psa.intake/TicketReceived',
        eventId: 'acme:t1:received',
        correlationId: 'req-42',
        tenantId: 'acme',
        ticketId: 't1',
      }),
    ]);
  });

  it('logs nothing for what the bus refused: it stays in the outbox', async () => {
    const bus = loggingRedeliveries(
      {
        publish: async () => {
          throw new Error('bus down');
        },
      },
      createLogger({ serviceName: 'outbox' }),
    );
    const lines = await stdoutLines(() =>
      bus.publish([toBusEvent(TicketReceived, detail)]).catch(() => undefined),
    );
    expect(logLines(lines)).toEqual([]);
  });
});
