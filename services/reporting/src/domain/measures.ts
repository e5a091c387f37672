import type { Owner, Priority } from '@psa/model/ticket';

/** A month's counters (month-counters.ts), kept apart so neither module imports the other's. */
type MonthCounters = Record<string, number>;

/**
 * Two of the measures co-managed IT is judged by, kept as month counters (month-counters.ts) so
 * a month of 100,000 tickets reads as a few items: alert quality (what monitoring sent, what
 * reached a person, what was noise) and interruptions (the after-hours load that still lands on
 * internal IT). The counts are @psa/model/measure-counters.
 */

const OWNERS: Owner[] = ['partner', 'internal', 'triage'];
const PRIORITIES: Priority[] = ['P1', 'P2', 'P3', 'P4'];

const ratio = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 1000) / 1000);

function alertSummary(c: MonthCounters, owners: readonly Owner[]) {
  const sum = (field: string) => owners.reduce((n, o) => n + (c[`al|${o}|${field}`] ?? 0), 0);
  const tickets = sum('n');
  const occurrences = sum('occ');
  const closed = sum('closed');
  const closedWithoutAction = sum('cwa');
  const acknowledged = sum('ack');
  return {
    /** Alert tickets opened (each is one correlated alert, however often it fired). */
    tickets,
    /** Alert mails received for them: the tickets plus the repeats folded into them. */
    occurrences,
    /** Repeats folded into an open ticket instead of opening one each: noise removed. */
    folded: occurrences - tickets,
    closed,
    closedWithoutAction,
    /** Of the closed alert tickets, the share nobody had to act on (null when none closed). */
    closedWithoutActionShare: ratio(closedWithoutAction, closed),
    /** Mean wall-clock minutes from the alert ticket's arrival to its first response (acknowledgement). */
    meanMinutesToAcknowledge: acknowledged ? Math.round((sum('ackmin') / acknowledged) * 10) / 10 : null,
    acknowledged,
  };
}

/**
 * Alert quality of a month: monitoring-alert tickets (see project.ts for which tickets are), the
 * occurrences folded into them, the share closed without action, the mean time to acknowledge;
 * in all and by the side that holds each ticket.
 */
export function alertQualityFromCounters(c: MonthCounters) {
  return {
    ...alertSummary(c, OWNERS),
    byOwner: Object.fromEntries(OWNERS.map((o) => [o, alertSummary(c, [o])])) as Record<
      Owner,
      ReturnType<typeof alertSummary>
    >,
  };
}

/**
 * The after-hours load that still lands on internal IT in a month: internal-owned tickets received
 * outside internal hours, and P1/P2 pages that reached the team: internal-owned P1/P2 received
 * after hours, or P1/P2 handed to internal IT outside its hours.
 */
export function interruptionsFromCounters(c: MonthCounters) {
  const byPriority = Object.fromEntries(PRIORITIES.map((p) => [p, c[`int|ahi|${p}`] ?? 0])) as Record<
    Priority,
    number
  >;
  return {
    afterHoursInternalTickets: PRIORITIES.reduce((n, p) => n + byPriority[p], 0),
    urgentPagesToInternal: c['int|pages'] ?? 0,
    byPriority,
    afterHoursHandoffsToInternal: c['int|ahh'] ?? 0,
  };
}
