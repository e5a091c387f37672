import { describe, expect, it } from 'vitest';
import {
  type BusEvent,
  EVENT_CATALOG,
  EventContractError,
  MonthlyReliefReport,
  parseEvent,
  TicketReceived,
  TicketRouted,
  TicketStatusChanged,
  toBusEvent,
} from '../src/events.ts';

/** What a rule target receives for a PutEvents entry (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html). */
function envelope(event: BusEvent) {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': event.detailType,
    source: event.source,
    account: '111122223333',
    time: '2026-11-03T15:00:00Z',
    region: 'eu-west-1',
    resources: [],
    detail: event.detail,
  };
}

const received = toBusEvent(TicketReceived, {
  eventId: 'acme:t1:received',
  occurredAt: '2026-11-03T15:00:00.000Z',
  tenantId: 'acme',
  ticketId: 't1',
  number: 1,
  channel: 'email',
  receivedAt: '2026-11-03T15:00:00.000Z',
  ticketVersion: 1,
});

const withDetail = (detail: Record<string, unknown>) => envelope({ ...received, detail });

describe('parseEvent', () => {
  it('reads an event published through the same contract', () => {
    expect(parseEvent(TicketReceived, envelope(received))).toEqual({ ...received.detail, schemaVersion: 1 });
  });

  it('refuses a version-2 event instead of reading it as version 1', () => {
    const v2 = withDetail({ ...received.detail, schemaVersion: 2 });
    expect(() => parseEvent(TicketReceived, v2)).toThrow(EventContractError);
    expect(() => parseEvent(TicketReceived, v2)).toThrow(
      'psa.intake/TicketReceived has schemaVersion 2; this consumer reads version 1 only',
    );
  });

  it('refuses an event without a schemaVersion', () => {
    const { schemaVersion: _, ...unversioned } = received.detail;
    expect(() => parseEvent(TicketReceived, withDetail(unversioned))).toThrow(
      'psa.intake/TicketReceived has schemaVersion missing; this consumer reads version 1 only',
    );
  });

  it('names the field of a detail that drifted from its contract', () => {
    const drifted = withDetail({ ...received.detail, channel: 'pigeon' });
    expect(() => parseEvent(TicketReceived, drifted)).toThrow(
      /psa\.intake\/TicketReceived \(schemaVersion 1\) does not match its contract: channel: /,
    );
  });

  it('picks the contract by source and detail-type among those a consumer takes', () => {
    const consumer = [TicketRouted, TicketReceived] as const;
    expect(parseEvent(consumer, envelope(received))).toMatchObject({ ticketId: 't1', channel: 'email' });
    expect(parseEvent(EVENT_CATALOG, envelope(received))).toMatchObject({ ticketId: 't1' });
  });

  it('refuses an event the consumer does not take, or one from another source', () => {
    expect(() => parseEvent([TicketRouted, TicketStatusChanged], envelope(received))).toThrow(
      'unexpected event psa.intake/TicketReceived: this consumer takes psa.router/TicketRouted, psa.intake/TicketStatusChanged',
    );
    const spoofed = envelope({ ...received, source: 'psa.reporting' });
    expect(() => parseEvent(TicketReceived, spoofed)).toThrow(
      /unexpected event psa\.reporting\/TicketReceived/,
    );
  });

  it('refuses what is not an EventBridge envelope', () => {
    expect(() => parseEvent(TicketReceived, received)).toThrow(/^not an EventBridge event: /);
    expect(() => parseEvent(TicketReceived, null)).toThrow(EventContractError);
  });

  it('checks the version of events that carry no ticket, too', () => {
    const report = toBusEvent(MonthlyReliefReport, {
      eventId: 'acme:2026-10:relief',
      occurredAt: '2026-11-01T00:00:00.000Z',
      tenantId: 'acme',
      month: '2026-10',
      report: {},
    });
    expect(parseEvent(EVENT_CATALOG, envelope(report))).not.toHaveProperty('ticketId');
    const v3 = envelope({ ...report, detail: { ...report.detail, schemaVersion: 3 } });
    expect(() => parseEvent(EVENT_CATALOG, v3)).toThrow(/schemaVersion 3/);
  });
});
