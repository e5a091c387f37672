import { SUBSCRIPTIONS } from '@psa/contracts/wiring';
import type { DivisionOfWork } from '@psa/model/division-of-work';
import type { OutboxEntry } from '@psa/model/ports';
import { type SlaClockRecord, viewSlaClock } from '@psa/model/sla-clock';
import type { Ticket } from '@psa/model/ticket';
import { describe, expect, it } from 'vitest';
import { advanceClock, calendarOf } from '../src/domain/clocks.ts';
import { planClocks } from '../src/domain/plan.ts';
import { acmeDivisionOfWork, changeStatus, dowWith, handOff, routedTicket } from './fixtures.ts';

const dow = acmeDivisionOfWork();
type Clocks = Map<string, SlaClockRecord>;

/**
 * What a sync does, in memory: bring every planned clock of the ticket to `now`, writing (here:
 * keeping) each one that changed. Returns the clocks and the outbox entries written.
 */
function syncAt(ticket: Ticket, now: string, clocks: Clocks = new Map(), doc: DivisionOfWork = dow) {
  const entries: OutboxEntry[] = [];
  for (const plan of planClocks(ticket, doc)) {
    const advanced = advanceClock(clocks.get(plan.clockId) ?? null, plan, {
      ticket,
      dow: doc,
      now: new Date(now),
    });
    if (!advanced) continue;
    clocks.set(plan.clockId, advanced.clock);
    entries.push(...advanced.events);
  }
  return { clocks, entries };
}

/** Events as [detail-type, id without the ticket id]; mail as ['mail', to]. */
function published(ticket: Ticket, entries: OutboxEntry[]) {
  return entries.map((e) =>
    e.kind === 'event'
      ? [e.event.detailType, e.id.slice(ticket.id.length + 1)]
      : e.kind === 'mail'
        ? ['mail', e.mail.to]
        : ['queue', e.id],
  );
}

const get = (clocks: Clocks, id: string) => {
  const c = clocks.get(id);
  if (!c) throw new Error(`no clock ${id}; have ${[...clocks.keys()].join(', ')}`);
  return c;
};

// Friday 2026-11-20 16:00 America/New_York (EST, UTC-5).
const FRIDAY_1600 = '2026-11-20T21:00:00.000Z';
// Sunday 2026-11-22 03:00 New York: partner clocks run 24x7.
const SUNDAY_0300 = '2026-11-22T08:00:00.000Z';
const MIN = 60_000;
const plus = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * MIN).toISOString();
const partnerTicket = (priority: Ticket['priority'], over: Partial<Ticket> = {}) =>
  routedTicket({ owner: 'partner', workload: 'connectivity', priority, receivedAt: SUNDAY_0300, ...over });

describe('due instants on the owner calendar', () => {
  it('gives an internal P3 received Friday 16:00 its first response due Monday 11:00 local', () => {
    const { clocks, entries } = syncAt(routedTicket({ receivedAt: FRIDAY_1600 }), FRIDAY_1600);
    expect([...clocks.keys()]).toEqual(['internal.firstResponse', 'internal.resolution']);
    expect(entries).toEqual([]);
    expect(get(clocks, 'internal.firstResponse')).toMatchObject({
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
      pausedFor: null,
      rev: 1,
    });
  });

  it('runs the internal resolution clock over business days and stops before Thanksgiving', () => {
    const { clocks } = syncAt(routedTicket({ receivedAt: FRIDAY_1600 }), FRIDAY_1600);
    // 1620 min = 60 (Fri) + 540 (Mon) + 540 (Tue) + 480 (Wed 08:00-16:00).
    expect(get(clocks, 'internal.resolution').dueAt).toBe('2026-11-25T21:00:00.000Z');
  });

  it('counts a ticket received on Thanksgiving from Friday 08:00', () => {
    // Thursday 2026-11-26 10:00 local is a US public holiday; the day after is not.
    const t = routedTicket({ receivedAt: '2026-11-26T15:00:00.000Z' });
    const c = get(syncAt(t, t.receivedAt).clocks, 'internal.firstResponse');
    expect(c.dueAt).toBe('2026-11-27T17:00:00.000Z'); // Friday 12:00 local
    expect(c.warnAt['0.75']).toBe('2026-11-27T16:00:00.000Z'); // Friday 11:00 local
  });

  it('runs partner clocks 24x7: a P1 received 03:00 on a Sunday is due 15 minutes later', () => {
    const { clocks } = syncAt(partnerTicket('P1'), SUNDAY_0300);
    expect(get(clocks, 'partner.firstResponse')).toMatchObject({
      calendar: 'partner',
      targetMinutes: 15,
      dueAt: '2026-11-22T08:15:00.000Z',
      warnAt: { '0.75': '2026-11-22T08:11:15.000Z', '0.9': '2026-11-22T08:13:30.000Z' },
    });
    expect(get(clocks, 'partner.resolution').dueAt).toBe('2026-11-22T12:00:00.000Z');
  });

  it('runs triage-owned tickets on partner targets and the partner calendar', () => {
    // Saturday 10:00 local: internal P2 would wait for Monday; the partner desk answers in 30 minutes.
    const t = routedTicket({
      owner: 'triage',
      workload: null,
      priority: 'P2',
      receivedAt: '2026-11-21T15:00:00.000Z',
    });
    const { clocks } = syncAt(t, t.receivedAt);
    expect(get(clocks, 'partner.firstResponse')).toMatchObject({
      owner: 'triage',
      calendar: 'partner',
      targetMinutes: 30,
      dueAt: '2026-11-21T15:30:00.000Z',
    });
    expect(get(clocks, 'partner.resolution')).toMatchObject({
      targetMinutes: 480,
      dueAt: '2026-11-21T23:00:00.000Z',
    });
  });
});

describe('warnings and breach', () => {
  it('sends the 0.75 and 0.9 warnings once each, in order, then the breach once', () => {
    const t = routedTicket({ receivedAt: FRIDAY_1600 });
    const { clocks } = syncAt(t, FRIDAY_1600);
    expect(syncAt(t, '2026-11-23T14:59:59.999Z', clocks).entries).toEqual([]);

    const warn75 = syncAt(t, '2026-11-23T15:00:00.000Z', clocks).entries;
    expect(published(t, warn75)).toEqual([['SlaWarning', 'internal.firstResponse:warn:0.75']]);
    const detail = (warn75[0] as Extract<OutboxEntry, { kind: 'event' }>).event.detail;
    expect(detail).toMatchObject({
      eventId: `${t.id}:internal.firstResponse:warn:0.75`,
      target: 'firstResponse',
      owner: 'internal',
      priority: 'P3',
      dueAt: '2026-11-23T16:00:00.000Z',
      threshold: 0.75,
      elapsedBusinessMinutes: 180,
      clock: 'internal.firstResponse',
    });
    expect(syncAt(t, '2026-11-23T15:10:00.000Z', clocks).entries).toEqual([]);
    expect(published(t, syncAt(t, '2026-11-23T15:36:00.000Z', clocks).entries)).toEqual([
      ['SlaWarning', 'internal.firstResponse:warn:0.9'],
    ]);
    expect(published(t, syncAt(t, '2026-11-23T16:00:00.000Z', clocks).entries)).toEqual([
      ['SlaBreached', 'internal.firstResponse:breach'],
    ]);
    expect(get(clocks, 'internal.firstResponse')).toMatchObject({
      warned: [0.75, 0.9],
      breached: true,
      breachedAt: '2026-11-23T16:00:00.000Z',
      rev: 4,
    });
    expect(syncAt(t, '2026-11-24T16:00:00.000Z', clocks).entries).toEqual([]);
  });

  it('sends everything that fell due, warnings first, when it runs late', () => {
    const t = routedTicket({ receivedAt: FRIDAY_1600 });
    const { clocks } = syncAt(t, FRIDAY_1600);
    expect(published(t, syncAt(t, '2026-11-24T13:00:00.000Z', clocks).entries)).toEqual([
      ['SlaWarning', 'internal.firstResponse:warn:0.75'],
      ['SlaWarning', 'internal.firstResponse:warn:0.9'],
      ['SlaBreached', 'internal.firstResponse:breach'],
    ]);
    expect(syncAt(t, '2026-11-24T14:00:00.000Z', clocks).entries).toEqual([]);
  });

  it('writes nothing for a clock that is up to date, and rewrites one whose ticket version moved', () => {
    const t = routedTicket({ receivedAt: FRIDAY_1600 });
    const { clocks } = syncAt(t, FRIDAY_1600);
    const [plan] = planClocks(t, dow);
    const at = { ticket: t, dow, now: new Date('2026-11-23T13:00:00.000Z') };
    expect(advanceClock(get(clocks, plan!.clockId), plan!, at)).toBeNull();
    const moved = { ...t, version: t.version + 1 };
    const touched = advanceClock(get(clocks, plan!.clockId), planClocks(moved, dow)[0]!, {
      ...at,
      ticket: moved,
    });
    expect(touched?.events).toEqual([]);
    expect(touched?.clock).toMatchObject({ ticketVersion: t.version + 1, rev: 2 });
  });

  it('sends the warning fractions the policy names, and only those', () => {
    const half = dowWith({ warnAt: [0.5] });
    const t = partnerTicket('P1');
    const { clocks } = syncAt(t, SUNDAY_0300, new Map(), half);
    expect(get(clocks, 'partner.firstResponse').warnAt).toEqual({ '0.5': '2026-11-22T08:07:30.000Z' });
    expect(published(t, syncAt(t, '2026-11-22T08:20:00.000Z', clocks, half).entries).slice(0, 2)).toEqual([
      ['SlaWarning', 'partner.firstResponse:warn:0.5'],
      ['SlaBreached', 'partner.firstResponse:breach'],
    ]);

    const three = dowWith({ warnAt: [0.25, 0.5, 0.8] });
    const u = partnerTicket('P1');
    const late = syncAt(u, '2026-11-22T08:14:00.000Z', new Map(), three).entries;
    expect(published(u, late)).toEqual([
      ['SlaWarning', 'partner.firstResponse:warn:0.25'],
      ['SlaWarning', 'partner.firstResponse:warn:0.5'],
      ['SlaWarning', 'partner.firstResponse:warn:0.8'],
    ]);
  });
});

describe('completion', () => {
  it('marks a first response before due as met and sends SlaMet once, never a breach', () => {
    const t = routedTicket({ receivedAt: FRIDAY_1600 });
    const { clocks } = syncAt(t, FRIDAY_1600);
    const answered = changeStatus(t, 'acknowledged', '2026-11-23T15:30:00.000Z', 'internal');
    expect(published(t, syncAt(answered, '2026-11-23T15:30:00.500Z', clocks).entries)).toEqual([
      ['SlaMet', 'internal.firstResponse:met:2026-11-23T15:30:00.000Z'],
    ]);
    expect(get(clocks, 'internal.firstResponse')).toMatchObject({
      completedAt: '2026-11-23T15:30:00.000Z',
      met: true,
      breached: false,
    });
    // Long after the due instant nothing more happens to it.
    const later = syncAt(answered, '2026-11-30T15:00:00.000Z', clocks).entries;
    expect(published(t, later).filter(([, id]) => id?.startsWith('internal.firstResponse'))).toEqual([]);
  });

  it('counts a response at the due instant as met', () => {
    const t = routedTicket({ receivedAt: FRIDAY_1600 });
    const { clocks } = syncAt(t, FRIDAY_1600);
    const answered = changeStatus(t, 'acknowledged', '2026-11-23T16:00:00.000Z', 'internal');
    syncAt(answered, '2026-11-23T16:00:01.000Z', clocks);
    expect(get(clocks, 'internal.firstResponse')).toMatchObject({ met: true, breached: false });
  });

  it('breaches a late first response once, with no warnings after the fact', () => {
    const t = routedTicket({ receivedAt: FRIDAY_1600 });
    const { clocks } = syncAt(t, FRIDAY_1600);
    const late = changeStatus(t, 'acknowledged', '2026-11-23T17:00:00.000Z', 'internal');
    expect(published(t, syncAt(late, '2026-11-23T17:00:01.000Z', clocks).entries)).toEqual([
      ['SlaBreached', 'internal.firstResponse:breach'],
    ]);
    expect(get(clocks, 'internal.firstResponse')).toMatchObject({
      completedAt: '2026-11-23T17:00:00.000Z',
      met: false,
      breached: true,
      breachedAt: '2026-11-23T16:00:00.000Z',
    });
    expect(syncAt(late, '2026-11-25T12:00:00.000Z', clocks).entries).toEqual([]);
  });
});

describe('pauses', () => {
  // Internal P3 received Friday 16:00 local, acknowledged 16:15, waiting on the customer from 16:30
  // until the requester's reply on Monday 10:00.
  const received = routedTicket({ receivedAt: FRIDAY_1600 });
  const acked = changeStatus(received, 'acknowledged', '2026-11-20T21:15:00.000Z', 'internal');
  const waiting = changeStatus(acked, 'waiting_on_customer', '2026-11-20T21:30:00.000Z', 'internal');
  const replied = changeStatus(waiting, 'in_progress', '2026-11-23T15:00:00.000Z', 'requester');

  it('stops the clock while waiting on the customer: no due instant, elapsed time frozen', () => {
    const { clocks } = syncAt(waiting, '2026-11-21T15:00:00.000Z');
    const resolution = get(clocks, 'internal.resolution');
    expect(resolution).toMatchObject({ pausedFor: 'status', dueAt: null, warnAt: {} });
    const view = viewSlaClock(resolution, calendarOf('internal', dow), new Date('2026-11-23T14:00:00.000Z'));
    expect(view).toMatchObject({
      paused: true,
      pausedFor: 'status',
      dueAt: null,
      elapsedBusinessMinutes: 30,
      remainingBusinessMinutes: 1590,
    });
  });

  it('shifts the due instant by the paused business time across the weekend when the requester replies', () => {
    const { clocks } = syncAt(replied, '2026-11-23T15:00:00.000Z');
    // Unpaused it was due Wednesday 16:00 local. Paused: Friday 16:30-17:00 and Monday 08:00-10:00,
    // 150 business minutes: Wednesday 16:00-17:00, Thanksgiving closed, Friday 08:00-09:30.
    expect(get(clocks, 'internal.resolution')).toMatchObject({
      pausedFor: null,
      dueAt: '2026-11-27T14:30:00.000Z',
      pauses: [{ start: '2026-11-20T21:30:00.000Z', end: '2026-11-23T15:00:00.000Z' }],
    });
    const view = viewSlaClock(
      get(clocks, 'internal.resolution'),
      calendarOf('internal', dow),
      new Date('2026-11-23T16:00:00.000Z'),
    );
    expect(view).toMatchObject({ paused: false, elapsedBusinessMinutes: 90, remainingBusinessMinutes: 1530 });
    // The first response was answered before the pause and is untouched by it.
    expect(get(clocks, 'internal.firstResponse')).toMatchObject({
      met: true,
      dueAt: '2026-11-23T16:00:00.000Z',
    });
  });

  it('converges on the same clocks whether it saw the pause or only the ticket after the reply', () => {
    const seen = syncAt(waiting, '2026-11-21T15:00:00.000Z').clocks;
    syncAt(replied, '2026-11-23T15:00:00.000Z', seen);
    const direct = syncAt(replied, '2026-11-23T15:00:00.000Z').clocks;
    const state = (c: SlaClockRecord) => ({ ...c, rev: 0 });
    expect([...seen.values()].map(state)).toEqual([...direct.values()].map(state));
  });

  it('sends no warning while paused, and still sends one that fell due before the pause began', () => {
    // Partner P1: resolution 240 minutes 24x7, 0.75 at 180 minutes.
    const t = changeStatus(partnerTicket('P1'), 'acknowledged', plus(SUNDAY_0300, 5), 'partner');
    const early = changeStatus(t, 'waiting_on_customer', plus(SUNDAY_0300, 120), 'partner');
    const quiet = syncAt(early, plus(SUNDAY_0300, 600));
    expect(published(t, quiet.entries)).toEqual([
      ['SlaMet', `partner.firstResponse:met:${plus(SUNDAY_0300, 5)}`],
    ]);
    // Back 22 hours later: 120 minutes left from there.
    const back = changeStatus(early, 'in_progress', plus(SUNDAY_0300, 1440), 'requester');
    syncAt(back, plus(SUNDAY_0300, 1440), quiet.clocks);
    expect(get(quiet.clocks, 'partner.resolution')).toMatchObject({
      dueAt: plus(SUNDAY_0300, 1440 + 120),
      warnAt: { '0.75': plus(SUNDAY_0300, 1440 + 60), '0.9': plus(SUNDAY_0300, 1440 + 96) },
    });

    // Paused at 210 minutes, after the 0.75 instant (180) but before any sweep got to it.
    const late = changeStatus(t, 'waiting_on_customer', plus(SUNDAY_0300, 210), 'partner');
    const { clocks, entries } = syncAt(late, plus(SUNDAY_0300, 300));
    expect(published(t, entries).filter(([, id]) => id?.startsWith('partner.resolution'))).toEqual([
      ['SlaWarning', 'partner.resolution:warn:0.75'],
    ]);
    expect(get(clocks, 'partner.resolution')).toMatchObject({
      pausedFor: 'status',
      warned: [0.75],
      dueAt: null,
    });
  });
});

describe('two sides: handoffs and reassignment', () => {
  // Partner P2 (30 / 480 on 24x7) received Monday 10:00 New York; the partner escalates at 11:00;
  // internal IT takes it up at 13:00 and hands it back Tuesday 09:00; the partner accepts at 09:05.
  const MONDAY_1000 = '2026-11-23T15:00:00.000Z';
  const received = routedTicket({
    owner: 'partner',
    workload: 'connectivity',
    priority: 'P2',
    receivedAt: MONDAY_1000,
  });
  const acked = changeStatus(received, 'acknowledged', '2026-11-23T15:10:00.000Z', 'partner');
  const escalated = handOff(acked, 'internal', '2026-11-23T16:00:00.000Z', 'partner');
  const accepted = changeStatus(escalated, 'in_progress', '2026-11-23T18:00:00.000Z', 'internal');
  const returned = handOff(accepted, 'partner', '2026-11-24T14:00:00.000Z', 'internal');
  const taken = changeStatus(returned, 'acknowledged', '2026-11-24T14:05:00.000Z', 'partner');
  const summary = (clocks: Clocks) =>
    Object.fromEntries(
      [...clocks.values()].map((c) => [
        c.clockId,
        {
          startedAt: c.startedAt,
          pausedFor: c.pausedFor,
          dueAt: c.dueAt,
          completedAt: c.completedAt,
          met: c.met,
          breached: c.breached,
        },
      ]),
    );

  it('stops the partner clock at the handoff and times the handoff until internal IT takes it up', () => {
    const { clocks } = syncAt(
      escalated,
      '2026-11-23T16:00:00.000Z',
      syncAt(acked, '2026-11-23T15:10:00.000Z').clocks,
    );
    expect(summary(clocks)).toEqual({
      'partner.firstResponse': {
        startedAt: MONDAY_1000,
        pausedFor: null,
        dueAt: '2026-11-23T15:30:00.000Z',
        completedAt: '2026-11-23T15:10:00.000Z',
        met: true,
        breached: false,
      },
      'partner.resolution': {
        startedAt: MONDAY_1000,
        pausedFor: 'handedOff',
        dueAt: null,
        completedAt: null,
        met: null,
        breached: false,
      },
      // Internal P2 first response, 60 minutes of internal hours: 11:00 to 12:00 local.
      'internal.handoff.1': {
        startedAt: '2026-11-23T16:00:00.000Z',
        pausedFor: null,
        dueAt: '2026-11-23T17:00:00.000Z',
        completedAt: null,
        met: null,
        breached: false,
      },
    });
    // Nothing runs for internal resolution before it accepts the ticket.
    expect(clocks.has('internal.resolution')).toBe(false);
  });

  it('breaches a slow acceptance once, and starts internal resolution at the acceptance, not the handoff', () => {
    const { clocks } = syncAt(escalated, '2026-11-23T16:00:00.000Z');
    expect(published(escalated, syncAt(escalated, '2026-11-23T17:00:00.000Z', clocks).entries)).toEqual([
      ['SlaWarning', 'internal.handoff.1:warn:0.75'],
      ['SlaWarning', 'internal.handoff.1:warn:0.9'],
      ['SlaBreached', 'internal.handoff.1:breach'],
    ]);
    expect(syncAt(accepted, '2026-11-23T18:00:00.000Z', clocks).entries).toEqual([]);
    const s = summary(clocks);
    expect(s['internal.handoff.1']).toMatchObject({
      completedAt: '2026-11-23T18:00:00.000Z',
      met: false,
      breached: true,
    });
    const gap = viewSlaClock(
      get(clocks, 'internal.handoff.1'),
      calendarOf('internal', dow),
      new Date('2026-11-24T00:00:00.000Z'),
    );
    expect(gap.elapsedBusinessMinutes).toBe(120);
    // 480 internal minutes from Monday 13:00 local: 240 on Monday, 240 on Tuesday from 08:00.
    expect(s['internal.resolution']).toEqual({
      startedAt: '2026-11-23T18:00:00.000Z',
      pausedFor: null,
      dueAt: '2026-11-24T17:00:00.000Z',
      completedAt: null,
      met: null,
      breached: false,
    });
  });

  it('recomputes both sides when the ticket comes back: the partner resumes where it stopped', () => {
    const { clocks, entries } = syncAt(taken, '2026-11-24T14:05:00.000Z');
    const s = summary(clocks);
    // The partner had used 60 of its 480 minutes; the rest runs from its acceptance at 14:05Z.
    expect(s['partner.resolution']).toMatchObject({ pausedFor: null, dueAt: '2026-11-24T21:05:00.000Z' });
    expect(s['internal.resolution']).toMatchObject({ pausedFor: 'handedOff', dueAt: null });
    expect(s['partner.handoff.2']).toMatchObject({ completedAt: '2026-11-24T14:05:00.000Z', met: true });
    const view = (id: string, side: 'partner' | 'internal') =>
      viewSlaClock(get(clocks, id), calendarOf(side, dow), new Date('2026-11-24T15:05:00.000Z'));
    expect(view('partner.resolution', 'partner').elapsedBusinessMinutes).toBe(120);
    // Monday 13:00-17:00 and Tuesday 08:00-09:00 local.
    expect(view('internal.resolution', 'internal')).toMatchObject({
      elapsedBusinessMinutes: 300,
      paused: true,
    });
    expect(published(taken, entries)).toEqual(
      expect.arrayContaining([
        ['SlaBreached', 'internal.handoff.1:breach'],
        ['SlaMet', 'partner.handoff.2:met:2026-11-24T14:05:00.000Z'],
      ]),
    );
  });

  it('measures acceptance against the policy’s handoff target when it sets one', () => {
    const quick = dowWith({ handoffAcceptanceMinutes: 30 });
    const { clocks } = syncAt(escalated, '2026-11-23T16:00:00.000Z', new Map(), quick);
    expect(get(clocks, 'internal.handoff.1')).toMatchObject({
      targetMinutes: 30,
      dueAt: '2026-11-23T16:30:00.000Z',
    });
  });

  it('recomputes due instants from the same start when the priority changes', () => {
    const t = partnerTicket('P3');
    const { clocks } = syncAt(t, SUNDAY_0300);
    expect(get(clocks, 'partner.firstResponse').dueAt).toBe('2026-11-22T10:00:00.000Z');
    // Raised to P1 twenty minutes in: 15 minutes was due at 08:15, so it is already breached.
    const raised = { ...t, priority: 'P1' as const, version: t.version + 1 };
    expect(published(t, syncAt(raised, plus(SUNDAY_0300, 20), clocks).entries)).toEqual([
      ['SlaWarning', 'partner.firstResponse:warn:0.75'],
      ['SlaWarning', 'partner.firstResponse:warn:0.9'],
      ['SlaBreached', 'partner.firstResponse:breach'],
    ]);
    expect(get(clocks, 'partner.resolution')).toMatchObject({
      priority: 'P1',
      targetMinutes: 240,
      dueAt: '2026-11-22T12:00:00.000Z',
    });
  });
});

describe('reopen', () => {
  // Partner P3: resolution 1440 minutes 24x7. Resolved 10 hours in (met), reopened 20 hours in.
  const t = changeStatus(partnerTicket('P3'), 'acknowledged', plus(SUNDAY_0300, 10), 'partner');
  const resolved = changeStatus(t, 'resolved', plus(SUNDAY_0300, 600), 'partner');
  const reopened = changeStatus(resolved, 'reopened', plus(SUNDAY_0300, 1200), 'requester');

  it('resumes the resolution clock from the time already used, the resolved stretch not counting', () => {
    const { clocks } = syncAt(resolved, plus(SUNDAY_0300, 600));
    expect(get(clocks, 'partner.resolution')).toMatchObject({
      met: true,
      completedAt: plus(SUNDAY_0300, 600),
    });
    expect(syncAt(reopened, plus(SUNDAY_0300, 1200), clocks).entries).toEqual([]);
    expect(get(clocks, 'partner.resolution')).toMatchObject({
      cycle: 0,
      completedAt: null,
      met: null,
      // 840 minutes left from the reopen.
      dueAt: plus(SUNDAY_0300, 1200 + 840),
      warnAt: { '0.75': plus(SUNDAY_0300, 1200 + 480), '0.9': plus(SUNDAY_0300, 1200 + 696) },
    });
    expect(published(t, syncAt(reopened, plus(SUNDAY_0300, 2040), clocks).entries)).toEqual([
      ['SlaWarning', 'partner.resolution:warn:0.75'],
      ['SlaWarning', 'partner.resolution:warn:0.9'],
      ['SlaBreached', 'partner.resolution:breach'],
    ]);
  });

  it('restarts the resolution clock with the full target when the policy says so', () => {
    const restart = dowWith({ reopen: 'restart' });
    const { clocks } = syncAt(resolved, plus(SUNDAY_0300, 600), new Map(), restart);
    syncAt(reopened, plus(SUNDAY_0300, 1200), clocks, restart);
    expect(get(clocks, 'partner.resolution')).toMatchObject({
      cycle: 1,
      startedAt: plus(SUNDAY_0300, 1200),
      dueAt: plus(SUNDAY_0300, 1200 + 1440),
      completedAt: null,
      warned: [],
      priorBreaches: 0,
    });
    expect(published(t, syncAt(reopened, plus(SUNDAY_0300, 1200 + 1080), clocks, restart).entries)).toEqual([
      ['SlaWarning', 'partner.resolution#1:warn:0.75'],
    ]);
  });

  it('keeps a breach of the period before the reopen, and breaches the new period on its own', () => {
    const restart = dowWith({ reopen: 'restart' });
    const { clocks } = syncAt(t, plus(SUNDAY_0300, 1440), new Map(), restart);
    expect(get(clocks, 'partner.resolution').breached).toBe(true);
    const lateFix = changeStatus(t, 'resolved', plus(SUNDAY_0300, 1800), 'partner');
    const again = changeStatus(lateFix, 'reopened', plus(SUNDAY_0300, 1860), 'requester');
    expect(syncAt(again, plus(SUNDAY_0300, 1860), clocks, restart).entries).toEqual([]);
    expect(get(clocks, 'partner.resolution')).toMatchObject({
      cycle: 1,
      breached: false,
      warned: [],
      priorBreaches: 1,
    });
    const events = published(t, syncAt(again, plus(SUNDAY_0300, 1860 + 1440), clocks, restart).entries);
    expect(events.map(([, id]) => id)).toEqual([
      'partner.resolution#1:warn:0.75',
      'partner.resolution#1:warn:0.9',
      'partner.resolution#1:breach',
    ]);
  });
});

describe('next-update target', () => {
  const everyHour = dowWith({}, (doc) => {
    doc.slaTargets.partner.P2 = { firstResponseMinutes: 30, resolutionMinutes: 480, nextUpdateMinutes: 60 };
  });
  const t = partnerTicket('P2');
  const acked = changeStatus(t, 'acknowledged', plus(SUNDAY_0300, 10), 'partner');

  it('has no next-update clock unless the policy sets a target', () => {
    expect([...syncAt(acked, plus(SUNDAY_0300, 10)).clocks.keys()]).toEqual([
      'partner.firstResponse',
      'partner.resolution',
    ]);
  });

  it('expects an update every period after the first response, each period warned and breached once', () => {
    const { clocks } = syncAt(acked, plus(SUNDAY_0300, 10), new Map(), everyHour);
    expect(get(clocks, 'partner.nextUpdate')).toMatchObject({
      cycle: 0,
      startedAt: plus(SUNDAY_0300, 10),
      dueAt: plus(SUNDAY_0300, 70),
    });
    expect(published(t, syncAt(acked, plus(SUNDAY_0300, 70), clocks, everyHour).entries)).toEqual([
      ['SlaWarning', 'partner.nextUpdate:warn:0.75'],
      ['SlaWarning', 'partner.nextUpdate:warn:0.9'],
      ['SlaBreached', 'partner.nextUpdate:breach'],
    ]);

    // An update starts a new period; the late one stays counted.
    const updated = changeStatus(acked, 'in_progress', plus(SUNDAY_0300, 80), 'partner');
    expect(syncAt(updated, plus(SUNDAY_0300, 80), clocks, everyHour).entries).toEqual([]);
    expect(get(clocks, 'partner.nextUpdate')).toMatchObject({
      cycle: 1,
      dueAt: plus(SUNDAY_0300, 140),
      warned: [],
      breached: false,
      priorBreaches: 1,
    });

    // Waiting on the customer is an update too, and stops the clock until the requester replies.
    const waiting = changeStatus(updated, 'waiting_on_customer', plus(SUNDAY_0300, 90), 'partner');
    expect(syncAt(waiting, plus(SUNDAY_0300, 200), clocks, everyHour).entries).toEqual([]);
    expect(get(clocks, 'partner.nextUpdate')).toMatchObject({ cycle: 2, pausedFor: 'status', dueAt: null });
    const replied = changeStatus(waiting, 'in_progress', plus(SUNDAY_0300, 200), 'requester');
    syncAt(replied, plus(SUNDAY_0300, 200), clocks, everyHour);
    // The requester's reply is no update: the same period runs on, due an hour after the reply.
    expect(get(clocks, 'partner.nextUpdate')).toMatchObject({
      cycle: 2,
      pausedFor: null,
      dueAt: plus(SUNDAY_0300, 260),
    });
    expect(published(t, syncAt(replied, plus(SUNDAY_0300, 245), clocks, everyHour).entries)).toEqual([
      ['SlaWarning', 'partner.nextUpdate#2:warn:0.75'],
    ]);

    // Resolving ends it, in time.
    const done = changeStatus(replied, 'resolved', plus(SUNDAY_0300, 250), 'partner');
    syncAt(done, plus(SUNDAY_0300, 250), clocks, everyHour);
    expect(get(clocks, 'partner.nextUpdate')).toMatchObject({
      completedAt: plus(SUNDAY_0300, 250),
      met: true,
      priorBreaches: 1,
    });
    expect(syncAt(done, plus(SUNDAY_0300, 600), clocks, everyHour).entries).toEqual([]);
  });
});

describe('a period that ended before anything looked at it', () => {
  it('breaches a late update once when the next update is the first thing seen', () => {
    const everyHour = dowWith({}, (doc) => {
      doc.slaTargets.partner.P2 = { firstResponseMinutes: 30, resolutionMinutes: 480, nextUpdateMinutes: 60 };
    });
    const t = partnerTicket('P2');
    const acked = changeStatus(t, 'acknowledged', plus(SUNDAY_0300, 10), 'partner');
    const { clocks } = syncAt(acked, plus(SUNDAY_0300, 10), new Map(), everyHour);
    // Due at 70 minutes; the next update came at 90, and no sweep ran in between.
    const late = changeStatus(acked, 'in_progress', plus(SUNDAY_0300, 90), 'partner');
    const { entries } = syncAt(late, plus(SUNDAY_0300, 90), clocks, everyHour);
    expect(published(t, entries).filter(([, id]) => id?.startsWith('partner.nextUpdate'))).toEqual([
      ['SlaBreached', 'partner.nextUpdate:breach'],
    ]);
    expect(get(clocks, 'partner.nextUpdate')).toMatchObject({ cycle: 1, priorBreaches: 1, breached: false });
    expect(syncAt(late, plus(SUNDAY_0300, 91), clocks, everyHour).entries).toEqual([]);
  });

  it('breaches a late resolution once when the reopen that restarts it is the first thing seen', () => {
    const restart = dowWith({ reopen: 'restart' });
    const t = changeStatus(partnerTicket('P3'), 'acknowledged', plus(SUNDAY_0300, 10), 'partner');
    const { clocks } = syncAt(t, plus(SUNDAY_0300, 10), new Map(), restart);
    const late = changeStatus(t, 'resolved', plus(SUNDAY_0300, 1500), 'partner');
    const again = changeStatus(late, 'reopened', plus(SUNDAY_0300, 1560), 'requester');
    const { entries } = syncAt(again, plus(SUNDAY_0300, 1560), clocks, restart);
    expect(published(t, entries)).toEqual([['SlaBreached', 'partner.resolution:breach']]);
    expect(get(clocks, 'partner.resolution')).toMatchObject({ cycle: 1, priorBreaches: 1 });
  });
});

describe('breach notification', () => {
  const notify = dowWith({ breachNotify: { partner: 'Dispatch@MSP.example' } });

  it('mails the breach, and only the breach, once to the dispatch address of the side that breached', () => {
    const t = partnerTicket('P1');
    const { clocks } = syncAt(t, SUNDAY_0300, new Map(), notify);
    const { entries } = syncAt(t, plus(SUNDAY_0300, 20), clocks, notify);
    expect(published(t, entries)).toEqual([
      ['SlaWarning', 'partner.firstResponse:warn:0.75'],
      ['SlaWarning', 'partner.firstResponse:warn:0.9'],
      ['SlaBreached', 'partner.firstResponse:breach'],
      ['mail', 'dispatch@msp.example'],
    ]);
    const mail = entries.find((e) => e.kind === 'mail');
    expect(mail).toMatchObject({
      id: `${t.id}:partner.firstResponse:breach:mail`,
      mail: {
        from: 'support@acme.example',
        to: 'dispatch@msp.example',
        subject: `[${t.key}] SLA breached: first response (P1, partner)`,
        messageId: expect.stringMatching(/^sla\.[A-Za-z0-9.#-]+@acme\.example$/),
      },
    });
    if (mail?.kind !== 'mail') throw new Error('no mail');
    expect(mail.mail.text).toContain('Due:      2026-11-22T08:15:00.000Z');
    expect(mail.mail.text).toContain('Elapsed:  20 business minutes');
    expect(syncAt(t, plus(SUNDAY_0300, 60), clocks, notify).entries).toEqual([]);
  });

  it('mails nobody when the breaching side has no dispatch address', () => {
    const t = routedTicket({ receivedAt: FRIDAY_1600 });
    const { entries } = syncAt(t, '2026-11-24T13:00:00.000Z', new Map(), notify);
    expect(entries.some((e) => e.kind === 'mail')).toBe(false);
    expect(entries.some((e) => e.kind === 'event' && e.event.detailType === 'SlaBreached')).toBe(true);
  });
});

describe('the first response by a public reply', () => {
  it('completes the first-response clock when the owner’s public reply set firstRespondedAt, status unchanged', () => {
    // What intake stores when the partner's first public reply arrives: no status change, no history.
    const replied = routedTicket({
      owner: 'partner',
      workload: 'password-reset',
      receivedAt: '2026-11-17T15:00:00.000Z',
      status: 'new',
      history: [],
      firstRespondedAt: '2026-11-17T15:20:00.000Z',
    });
    const { clocks } = syncAt(replied, '2026-11-17T16:00:00.000Z');
    const clock = clocks.get('partner.firstResponse')!;
    expect(clock.completedAt).toBe('2026-11-17T15:20:00.000Z');
    expect(clock.met).toBe(true);
  });

  it('is heard: the SLA follows TicketMessageAdded', () => {
    const sub = SUBSCRIPTIONS.find((s) => s.id === 'SlaFollowsTickets')!;
    expect(JSON.stringify(sub.pattern)).toContain('TicketMessageAdded');
  });
});
