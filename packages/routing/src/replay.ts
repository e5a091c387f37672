import { wallClockToInstant } from '@psa/calendar/business-time';
import type { DivisionOfWork } from '@psa/model/division-of-work';
import { ValidationError } from '@psa/model/errors';
import { isMonth, MONTH_MESSAGE } from '@psa/model/month';
import type { Ticket } from '@psa/model/ticket';
import { backlogEvents, CHANGE_SEQ, EventHeap, routedOwner } from './backlog.ts';
import { decideRouting, type RouteOutcome } from './decide.ts';

/**
 * Replaying a month of tickets through a division of work, without side effects: the shared core
 * of what-if simulation and routing coverage.
 *
 * Each ticket is decided as it arrived: at its arrival time (so after-hours and holidays apply as
 * they did) with the internal open backlog of that moment, reconstructed from the tickets
 * themselves. A ticket counts towards the backlog at instant x when it arrived before x, was open
 * at x (its status history: resolved or closed stops it, reopened restarts it) and was owned by
 * internal at x (its routed owner, then each handoff at its time). Tickets from before the month
 * that were still open carry over into it.
 */

/**
 * How the backlog of the replay is counted.
 * - `actual`: the internal backlog exactly as it was (every ticket with the owner it really had).
 *   A proposal then changes decisions but not the backlog they see, so its effect is isolated.
 * - `replayed`: the month's tickets count with the owner the replayed document gives them (and
 *   their handoffs as they happened), so a proposal that takes work off internal also lowers the
 *   backlog and with it overflow. Resolution times are those that really happened.
 */
export type BacklogMode = 'actual' | 'replayed';

export interface MonthWindow {
  month: string;
  timeZone: string;
  /** First instant of the month in the zone. */
  start: Date;
  /** First instant of the next month in the zone. */
  end: Date;
}

/** `YYYY-MM` as the instants it spans in `timeZone`. */
export function monthWindow(month: string, timeZone: string): MonthWindow {
  // The one place a month becomes instants: a month out of range is the caller's input, never a 500.
  if (!isMonth(month)) throw new ValidationError(MONTH_MESSAGE, [{ path: 'month', message: MONTH_MESSAGE }]);
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return {
    month,
    timeZone,
    start: wallClockToInstant(timeZone, `${month}-01`, '00:00'),
    end: wallClockToInstant(timeZone, `${next}-01`, '00:00'),
  };
}

/** One ticket of the month, replayed. */
export interface ReplayedTicket {
  ticket: Ticket;
  /** The internal open backlog the replayed decision saw (by the chosen mode). */
  backlog: number;
  /** The internal open backlog as it actually was at arrival. */
  actualBacklog: number;
  outcome: RouteOutcome;
}

export interface Replay {
  window: MonthWindow;
  backlogMode: BacklogMode;
  /** Routed tickets received in the month, in arrival order. */
  tickets: ReplayedTicket[];
  /** Tickets received in the month that are not routed yet (left out). */
  unrouted: number;
  /** Internal tickets open when the month began (carried over), as it actually was. */
  backlogAtMonthStart: number;
}

/**
 * Replays the month's tickets through `document`. Pure: `tickets` may hold any tickets of the
 * tenant (the month's and earlier ones that may carry over; later ones are ignored).
 */
export function replayMonth(input: {
  window: MonthWindow;
  tickets: readonly Ticket[];
  document: DivisionOfWork;
  backlog: BacklogMode;
}): Replay {
  const start = input.window.start.getTime();
  const end = input.window.end.getTime();
  const month: Ticket[] = [];
  const actual = new EventHeap();
  const replayed = new EventHeap();
  let unrouted = 0;
  for (const t of input.tickets) {
    const at = Date.parse(t.receivedAt);
    if (at >= end) continue;
    const owner = routedOwner(t);
    if (at >= start) {
      if (owner) month.push(t);
      else unrouted++;
    } else if (owner) {
      for (const e of backlogEvents(t, owner, CHANGE_SEQ)) {
        actual.push(e);
        replayed.push(e);
      }
    }
  }
  month.sort((a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt) || a.number - b.number);

  // Open at the first instant of the month: changes at that instant count, arrivals do not exist.
  let actualCount = actual.drainBefore(start, 0);
  let replayedCount = replayed.drainBefore(start, 0);
  const backlogAtMonthStart = actualCount;
  month.forEach((t, seq) => {
    for (const e of backlogEvents(t, routedOwner(t)!, seq)) actual.push(e);
  });

  const out: ReplayedTicket[] = [];
  month.forEach((t, seq) => {
    const at = Date.parse(t.receivedAt);
    actualCount += actual.drainBefore(at, seq);
    replayedCount += replayed.drainBefore(at, seq);
    const backlog = input.backlog === 'actual' ? actualCount : replayedCount;
    const outcome = decideRouting({
      subject: t.subject,
      body: t.body,
      requesterEmail: t.requester.email,
      channel: t.channel,
      requestedPriority: t.requestedPriority,
      receivedAt: new Date(at),
      internalOpenBacklog: backlog,
      dow: input.document,
    });
    for (const e of backlogEvents(t, outcome.owner, seq)) replayed.push(e);
    out.push({ ticket: t, backlog, actualBacklog: actualCount, outcome });
  });
  return {
    window: input.window,
    backlogMode: input.backlog,
    tickets: out,
    unrouted,
    backlogAtMonthStart,
  };
}
