import type { TicketFact } from './report-facts.ts';

/**
 * The month counters (month-counters.ts) of two measures co-managed IT is judged by: alert
 * quality (`al|{owner}|n|occ|closed|cwa|ack|ackmin`) and interruptions (`int|ahi|{priority}`,
 * `int|pages`, `int|ahh`); services/reporting reads them back into figures.
 */

const MINUTE = 60_000;

/** Adds one fact's alert and interruption counts to `c`. */
export function countMeasures(add: (key: string, by?: number) => void, f: TicketFact): void {
  if (f.alert) {
    const k = `al|${f.owner}`;
    add(`${k}|n`);
    add(`${k}|occ`, f.alert.occurrences);
    if (f.resolvedAt) {
      add(`${k}|closed`);
      if (f.alert.closedWithoutAction) add(`${k}|cwa`);
    }
    if (f.firstRespondedAt) {
      add(`${k}|ack`);
      add(`${k}|ackmin`, (Date.parse(f.firstRespondedAt) - Date.parse(f.receivedAt)) / MINUTE);
    }
  }
  const internalAfterHours = f.owner === 'internal' && f.afterHours;
  if (internalAfterHours) add(`int|ahi|${f.priority}`);
  const handedInAfterHours = f.afterHoursHandoffsToInternal ?? 0;
  add('int|ahh', handedInAfterHours);
  if ((f.priority === 'P1' || f.priority === 'P2') && (internalAfterHours || handedInAfterHours > 0)) {
    add('int|pages');
  }
}
