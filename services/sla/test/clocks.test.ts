import type { SlaTarget } from '@psa/common/events';
import type { OutboxEntry } from '@psa/common/ports';
import type { SlaClockRecord } from '@psa/common/sla-clock';
import type { Ticket } from '@psa/common/ticket';
import { describe, expect, it } from 'vitest';
import { advanceClock, calendarOf, startClock } from '../src/domain/clocks.ts';
import { acmeDivisionOfWork, routedTicket } from './fixtures.ts';

const dow = acmeDivisionOfWork();

/** Run advanceClock at `now` on the clock's own calendar. */
const advance = (clock: SlaClockRecord, ticket: Ticket, now: string) =>
  advanceClock(clock, ticket, calendarOf(clock.calendar, dow), new Date(now));

/** Start a clock and write it once at the ticket's receipt, as syncTicketClocks does. */
function started(ticket: Ticket, target: SlaTarget = 'firstResponse'): SlaClockRecord {
  const first = advance(startClock(ticket, target, dow), ticket, ticket.receivedAt);
  if (!first) throw new Error('a new clock must always be written');
  expect(first.events).toEqual([]);
  return first.clock;
}

/** What an outbox entry publishes, in a form that is easy to compare. */
function published(events: OutboxEntry[]) {
  return events.map((e) => {
    if (e.kind !== 'event') throw new Error(`expected an event entry, got ${e.kind}`);
    const d = e.event.detail;
    return {
      type: e.event.detailType,
      id: e.id,
      eventId: d.eventId,
      ...(d.threshold === undefined ? {} : { threshold: d.threshold }),
      elapsed: d.elapsedBusinessMinutes,
    };
  });
}

// Friday 2026-11-20 16:00 America/New_York (EST, UTC-5).
const FRIDAY_1600 = '2026-11-20T21:00:00.000Z';

describe('startClock: due instants on the owner calendar', () => {
  it('gives an internal P3 received Friday 16:00 its first response due Monday 11:00 local', () => {
    const clock = startClock(routedTicket({ receivedAt: FRIDAY_1600 }), 'firstResponse', dow);
    expect(clock).toMatchObject({
      calendar: 'internal',
      owner: 'internal',
      priority: 'P3',
      targetMinutes: 240,
      startedAt: FRIDAY_1600,
      // 60 business minutes on Friday, 180 on Monday from 08:00.
      dueAt: '2026-11-23T16:00:00.000Z',
      warnAt: { '0.75': '2026-11-23T15:00:00.000Z', '0.9': '2026-11-23T15:36:00.000Z' },
      warned: [],
      completedAt: null,
      met: null,
      breached: false,
      rev: 0,
    });
  });

  it('runs the internal resolution clock over business days and stops before Thanksgiving', () => {
    const clock = startClock(routedTicket({ receivedAt: FRIDAY_1600 }), 'resolution', dow);
    // 1620 min = 60 (Fri) + 540 (Mon) + 540 (Tue) + 480 (Wed 08:00-16:00).
    expect(clock.dueAt).toBe('2026-11-25T21:00:00.000Z');
  });

  it('counts a ticket received on Thanksgiving from Friday 08:00', () => {
    // Thursday 2026-11-26 10:00 local is a US public holiday; the day after is not.
    const clock = startClock(routedTicket({ receivedAt: '2026-11-26T15:00:00.000Z' }), 'firstResponse', dow);
    expect(clock.dueAt).toBe('2026-11-27T17:00:00.000Z'); // Friday 12:00 local
    expect(clock.warnAt['0.75']).toBe('2026-11-27T16:00:00.000Z'); // Friday 11:00 local
  });

  it('skips Thanksgiving for a ticket received the afternoon before', () => {
    // Wednesday 2026-11-25 16:00 local: 60 minutes on Wednesday, 180 on Friday from 08:00.
    const clock = startClock(routedTicket({ receivedAt: '2026-11-25T21:00:00.000Z' }), 'firstResponse', dow);
    expect(clock.dueAt).toBe('2026-11-27T16:00:00.000Z');
  });

  it('runs partner clocks 24x7: a P1 received 03:00 on a Sunday is due 15 minutes later', () => {
    const ticket = routedTicket({
      owner: 'partner',
      workload: 'connectivity',
      priority: 'P1',
      receivedAt: '2026-11-22T08:00:00.000Z', // Sunday 03:00 local
    });
    const first = startClock(ticket, 'firstResponse', dow);
    expect(first).toMatchObject({
      calendar: 'partner',
      targetMinutes: 15,
      dueAt: '2026-11-22T08:15:00.000Z',
      warnAt: { '0.75': '2026-11-22T08:11:15.000Z', '0.9': '2026-11-22T08:13:30.000Z' },
    });
    expect(startClock(ticket, 'resolution', dow).dueAt).toBe('2026-11-22T12:00:00.000Z');
  });

  it('runs triage-owned tickets on partner targets and the partner calendar', () => {
    // Saturday 10:00 local: internal P2 would wait for Monday; the partner desk answers in 30 minutes.
    const ticket = routedTicket({
      owner: 'triage',
      workload: null,
      priority: 'P2',
      receivedAt: '2026-11-21T15:00:00.000Z',
    });
    const clock = startClock(ticket, 'firstResponse', dow);
    expect(clock).toMatchObject({
      owner: 'triage',
      calendar: 'partner',
      targetMinutes: 30,
      dueAt: '2026-11-21T15:30:00.000Z',
    });
    expect(startClock(ticket, 'resolution', dow)).toMatchObject({
      targetMinutes: 480,
      dueAt: '2026-11-21T23:00:00.000Z',
    });
  });
});

describe('advanceClock: warnings and breach', () => {
  it('sends the 0.75 and 0.9 warnings once each, in order, then the breach once', () => {
    const ticket = routedTicket({ receivedAt: FRIDAY_1600 });
    const id = ticket.id;
    let clock = started(ticket);
    expect(clock.rev).toBe(1);

    // Just before the first warning: nothing to do.
    expect(advance(clock, ticket, '2026-11-23T14:59:59.999Z')).toBeNull();

    const warn75 = advance(clock, ticket, '2026-11-23T15:00:00.000Z')!;
    expect(published(warn75.events)).toEqual([
      {
        type: 'SlaWarning',
        id: `${id}:firstResponse:warn:0.75`,
        eventId: `${id}:firstResponse:warn:0.75`,
        threshold: 0.75,
        elapsed: 180,
      },
    ]);
    expect(warn75.clock).toMatchObject({ warned: [0.75], breached: false, rev: 2 });
    clock = warn75.clock;
    expect(advance(clock, ticket, '2026-11-23T15:10:00.000Z')).toBeNull();

    const warn90 = advance(clock, ticket, '2026-11-23T15:36:00.000Z')!;
    expect(published(warn90.events)).toEqual([
      {
        type: 'SlaWarning',
        id: `${id}:firstResponse:warn:0.9`,
        eventId: `${id}:firstResponse:warn:0.9`,
        threshold: 0.9,
        elapsed: 216,
      },
    ]);
    clock = warn90.clock;
    expect(clock.warned).toEqual([0.75, 0.9]);

    const breach = advance(clock, ticket, '2026-11-23T16:00:00.000Z')!;
    expect(published(breach.events)).toEqual([
      {
        type: 'SlaBreached',
        id: `${id}:firstResponse:breach`,
        eventId: `${id}:firstResponse:breach`,
        elapsed: 240,
      },
    ]);
    expect(breach.clock).toMatchObject({ breached: true, breachedAt: '2026-11-23T16:00:00.000Z', rev: 4 });
    expect(advance(breach.clock, ticket, '2026-11-24T16:00:00.000Z')).toBeNull();
  });

  it('sends everything that fell due, warnings first, when it runs late', () => {
    const ticket = routedTicket({ receivedAt: FRIDAY_1600 });
    const late = advance(started(ticket), ticket, '2026-11-24T13:00:00.000Z')!; // Tuesday 08:00 local
    expect(published(late.events).map((e) => [e.type, e.threshold])).toEqual([
      ['SlaWarning', 0.75],
      ['SlaWarning', 0.9],
      ['SlaBreached', undefined],
    ]);
    expect(late.clock).toMatchObject({ warned: [0.75, 0.9], breached: true });
    expect(advance(late.clock, ticket, '2026-11-24T14:00:00.000Z')).toBeNull();
  });

  it('returns null for a clock that is already up to date, so nothing is written', () => {
    const ticket = routedTicket({ receivedAt: FRIDAY_1600 });
    const clock = started(ticket);
    expect(advance(clock, ticket, FRIDAY_1600)).toBeNull();
    expect(advance(clock, ticket, '2026-11-23T13:00:00.000Z')).toBeNull(); // Monday 08:00 local
  });

  it('writes a clock again when only the ticket version moved, without events', () => {
    const ticket = routedTicket({ receivedAt: FRIDAY_1600 });
    const clock = started(ticket);
    const touched = advance(clock, { ...ticket, version: ticket.version + 1 }, '2026-11-23T13:00:00.000Z');
    expect(touched?.events).toEqual([]);
    expect(touched?.clock).toMatchObject({ ticketVersion: ticket.version + 1, rev: clock.rev + 1 });
  });
});

describe('advanceClock: completion', () => {
  it('marks a first response before due as met and sends SlaMet, never a breach', () => {
    const ticket = routedTicket({ receivedAt: FRIDAY_1600 });
    const clock = started(ticket);
    const responded = {
      ...ticket,
      status: 'acknowledged' as const,
      firstRespondedAt: '2026-11-23T15:30:00.000Z',
      version: ticket.version + 1,
    };
    const met = advance(clock, responded, '2026-11-23T15:30:00.500Z')!;
    expect(met.clock).toMatchObject({
      completedAt: '2026-11-23T15:30:00.000Z',
      met: true,
      breached: false,
      breachedAt: null,
    });
    expect(published(met.events)).toEqual([
      {
        type: 'SlaMet',
        id: `${ticket.id}:firstResponse:met:2026-11-23T15:30:00.000Z`,
        eventId: `${ticket.id}:firstResponse:met:2026-11-23T15:30:00.000Z`,
        elapsed: 210,
      },
    ]);
    // Long after the due instant nothing more happens: no warning, no breach, no write.
    expect(advance(met.clock, responded, '2026-11-30T15:00:00.000Z')).toBeNull();
  });

  it('counts a response at the due instant as met, however the instant is written', () => {
    const ticket = routedTicket({ receivedAt: FRIDAY_1600 });
    const clock = started(ticket);
    // Same instant as dueAt (2026-11-23T16:00:00.000Z), written without milliseconds.
    const responded = { ...ticket, firstRespondedAt: '2026-11-23T16:00:00Z', version: ticket.version + 1 };
    const result = advance(clock, responded, '2026-11-23T16:00:01.000Z')!;
    expect(result.clock).toMatchObject({ met: true, breached: false });
    expect(published(result.events).map((e) => e.type)).toEqual(['SlaMet']);
  });

  it('breaches a late first response once, even when advanceClock runs again on its result', () => {
    const ticket = routedTicket({ receivedAt: FRIDAY_1600 });
    const clock = started(ticket);
    const late = { ...ticket, firstRespondedAt: '2026-11-23T17:00:00.000Z', version: ticket.version + 1 };
    const first = advance(clock, late, '2026-11-23T17:00:01.000Z')!;
    expect(first.clock).toMatchObject({
      completedAt: '2026-11-23T17:00:00.000Z',
      met: false,
      breached: true,
      breachedAt: '2026-11-23T17:00:00.000Z',
    });
    // The response closes the clock, so no warnings are sent after the fact; only the breach.
    expect(published(first.events).map((e) => [e.type, e.eventId])).toEqual([
      ['SlaBreached', `${ticket.id}:firstResponse:breach`],
    ]);
    expect(advance(first.clock, late, '2026-11-23T17:00:01.000Z')).toBeNull();
    expect(advance(first.clock, late, '2026-11-25T12:00:00.000Z')).toBeNull();
  });

  it('does not breach again when the late response arrives after the sweep already breached', () => {
    const ticket = routedTicket({ receivedAt: FRIDAY_1600 });
    const swept = advance(started(ticket), ticket, '2026-11-23T16:00:00.000Z')!;
    expect(published(swept.events).map((e) => e.type)).toEqual(['SlaWarning', 'SlaWarning', 'SlaBreached']);
    const late = { ...ticket, firstRespondedAt: '2026-11-23T17:00:00.000Z', version: ticket.version + 1 };
    const answered = advance(swept.clock, late, '2026-11-23T17:00:00.000Z')!;
    expect(answered.events).toEqual([]);
    expect(answered.clock).toMatchObject({
      completedAt: '2026-11-23T17:00:00.000Z',
      met: false,
      breached: true,
      breachedAt: '2026-11-23T16:00:00.000Z',
    });
  });

  it('clears completion when a resolved ticket is reopened, so the clock runs and can breach again', () => {
    const ticket = routedTicket({ receivedAt: FRIDAY_1600 });
    const clock = started(ticket, 'resolution'); // due Wednesday 2026-11-25T21:00Z
    const resolved = {
      ...ticket,
      status: 'resolved' as const,
      firstRespondedAt: '2026-11-23T14:00:00.000Z',
      resolvedAt: '2026-11-24T14:00:00.000Z',
      version: ticket.version + 1,
    };
    const met = advance(clock, resolved, '2026-11-24T14:00:00.000Z')!;
    expect(met.clock).toMatchObject({ completedAt: '2026-11-24T14:00:00.000Z', met: true });
    expect(published(met.events).map((e) => e.type)).toEqual(['SlaMet']);

    const reopened = {
      ...resolved,
      status: 'reopened' as const,
      resolvedAt: null,
      version: resolved.version + 1,
    };
    const running = advance(met.clock, reopened, '2026-11-24T15:00:00.000Z')!;
    expect(running.clock).toMatchObject({ completedAt: null, met: null, breached: false });
    expect(running.events).toEqual([]);

    const breach = advance(running.clock, reopened, '2026-11-25T21:00:00.000Z')!;
    expect(published(breach.events).map((e) => e.type)).toEqual(['SlaWarning', 'SlaWarning', 'SlaBreached']);
    expect(breach.clock).toMatchObject({ breached: true, breachedAt: '2026-11-25T21:00:00.000Z' });
  });
});
