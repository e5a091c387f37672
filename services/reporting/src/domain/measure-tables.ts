/**
 * The measures' tables (measures.ts): alert quality, one row for all alert tickets and one per
 * side that holds them, and the interruptions of internal IT by priority. Apart from ./tables.ts,
 * which puts them among the month's tables.
 */
import { type Cell, col, PRIORITIES, type ReportTable, SIDE_NAMES } from './report-table.ts';

/** One side's (or everyone's) alert figures, as measures.ts gives them. */
interface AlertFigures {
  tickets: number;
  occurrences: number;
  folded: number;
  closed: number;
  closedWithoutAction: number;
  closedWithoutActionShare: number | null;
  meanMinutesToAcknowledge: number | null;
  acknowledged: number;
}

/**
 * Alert quality (one row for all alert tickets, one per side that holds them) and interruptions
 * of internal IT (by priority, with the pages and handoffs that reached it), laid out as tables.
 */
export function measureTables(r: Record<string, unknown>): ReportTable[] {
  const tables: ReportTable[] = [];
  const alerts = r.alertQuality as
    | (Partial<AlertFigures> & { byOwner?: Record<string, AlertFigures> })
    | undefined;
  if (alerts) {
    const row = (label: string, a: AlertFigures): Cell[] => [
      label,
      a.tickets,
      a.occurrences,
      a.folded,
      a.closed,
      a.closedWithoutAction,
      a.closedWithoutActionShare,
      a.meanMinutesToAcknowledge,
    ];
    const rows: Cell[][] = [];
    if (typeof alerts.tickets === 'number') rows.push(row('All alert tickets', alerts as AlertFigures));
    for (const [owner, a] of Object.entries(alerts.byOwner ?? {}))
      rows.push(row(SIDE_NAMES[owner] ?? owner, a));
    tables.push({
      id: 'alert-quality',
      title: 'Alert quality',
      columns: [
        col('side', 'Held by', 'text'),
        col('tickets', 'Alert tickets'),
        col('occurrences', 'Alerts received'),
        col('folded', 'Repeats folded'),
        col('closed', 'Closed'),
        col('closedWithoutAction', 'Closed without action'),
        col('closedWithoutActionShare', 'Share closed without action', 'share'),
        col('meanMinutesToAcknowledge', 'Mean time to acknowledge', 'minutes'),
      ],
      rows,
    });
  }
  const interruptions = r.interruptions as
    | {
        afterHoursInternalTickets: number;
        urgentPagesToInternal: number;
        byPriority: Record<string, number>;
        afterHoursHandoffsToInternal: number;
      }
    | undefined;
  if (interruptions) {
    tables.push({
      id: 'interruptions',
      title: 'Interruptions of internal IT',
      columns: [
        col('what', 'After internal hours', 'text'),
        ...PRIORITIES.map((p) => col(p, p)),
        col('all', 'All'),
      ],
      rows: [
        [
          'Internal-owned tickets received',
          ...PRIORITIES.map((p) => interruptions.byPriority[p] ?? 0),
          interruptions.afterHoursInternalTickets,
        ],
        ['P1/P2 pages that reached internal IT', null, null, null, null, interruptions.urgentPagesToInternal],
        ['Tickets handed to internal IT', null, null, null, null, interruptions.afterHoursHandoffsToInternal],
      ],
    });
  }
  return tables;
}
