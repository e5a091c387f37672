import type { TicketFact } from '@psa/model/report-facts';
import { measureTables } from './measure-tables.ts';
import { type Cell, col, PRIORITIES, type ReportTable, SIDE_NAMES } from './report-table.ts';

/**
 * The dashboard's tables and the CSV exports are one thing: a report turned into named tables of
 * plain values (shares as 0..1, counts, hours), which the page formats and the CSV writes as is.
 * A section of the relief report that no table here knows is still shown, as a table of its
 * figures (`sectionTables`), so a measure added to the report appears without a change here.
 */
export type { Cell, CellFormat, ReportTable } from './report-table.ts';

const TARGET_NAMES = {
  firstResponse: 'First response',
  resolution: 'Resolution',
  nextUpdate: 'Next update',
} as const;

type Outcome = { measured: number; met: number; attainment: number | null };
type Targets3 = Record<keyof typeof TARGET_NAMES, Outcome>;
type Rating = { count: number; shareGood: number | null; shareBad: number | null };

/** The parts of the relief report (full or the partner's) that the tables read; others are generic. */
export interface ReliefLike {
  month: string;
  ticketsByOwner: Record<string, number>;
  afterHoursByOwner: Record<string, number>;
  openAtReport: Record<string, number>;
  slaAttainment: Record<string, Targets3 & { byPriority: Record<string, Targets3> }>;
  satisfaction: { byOwner: Record<string, Rating>; byWorkload?: Record<string, Rating> };
  handoffs: { byWorkload: Record<string, { toInternal: number; toPartner: number }> };
  internalBacklog?: {
    atStart: number | null;
    atEnd: number | null;
    trend: number | null;
    oldestOpen: { key: string; receivedAt: string } | null;
  };
  pulse?: {
    count: number;
    asked: number;
    mean: number | null;
    distribution: Record<string, number>;
    comments: string[];
  };
}

/** Sections the tables below cover, or that are single figures shown in the headline. */
const KNOWN = new Set([
  'side',
  'month',
  'timeZone',
  'targets',
  'status',
  'totalTickets',
  'ticketsByOwner',
  'partnerShare',
  'afterHoursTickets',
  'afterHoursByOwner',
  'afterHoursPartnerShare',
  'internalHoursFreed',
  'openAtReport',
  'slaAttainment',
  'slaOverall',
  'satisfaction',
  'handoffs',
  'internalBacklog',
  'pulse',
  'monthOverMonth',
  'alertQuality',
  'interruptions',
]);

const share = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 1000) / 1000);

export function monthTables(r: ReliefLike & Record<string, unknown>): ReportTable[] {
  const owners = Object.keys(r.ticketsByOwner);
  const afterHoursTotal = Object.values(r.afterHoursByOwner).reduce((n, v) => n + v, 0);
  const tables: ReportTable[] = [
    {
      id: 'owners',
      title: 'Tickets by owner, and after-hours tickets absorbed',
      columns: [
        col('owner', 'Owner', 'text'),
        col('tickets', 'Tickets'),
        col('afterHours', 'After-hours tickets'),
        col('afterHoursShare', 'Share of after-hours', 'share'),
        col('openAtReport', 'Still open'),
      ],
      rows: owners.map((o) => [
        SIDE_NAMES[o] ?? o,
        r.ticketsByOwner[o] ?? 0,
        r.afterHoursByOwner[o] ?? 0,
        share(r.afterHoursByOwner[o] ?? 0, afterHoursTotal),
        r.openAtReport[o] ?? null,
      ]),
    },
    {
      id: 'sla',
      title: 'SLA attainment by side and priority',
      columns: [
        col('side', 'Side', 'text'),
        col('priority', 'Priority', 'text'),
        col('target', 'Target', 'text'),
        col('measured', 'Measured'),
        col('met', 'Met'),
        col('attainment', 'Attainment', 'share'),
      ],
      rows: Object.entries(r.slaAttainment).flatMap(([side, s]) =>
        (['All', ...PRIORITIES] as const).flatMap((p) => {
          const t = p === 'All' ? s : s.byPriority[p];
          if (!t) return [];
          return (Object.keys(TARGET_NAMES) as (keyof typeof TARGET_NAMES)[])
            .filter((k) => p === 'All' || t[k].measured > 0)
            .map((k) => [
              SIDE_NAMES[side] ?? side,
              p,
              TARGET_NAMES[k],
              t[k].measured,
              t[k].met,
              t[k].attainment,
            ]);
        }),
      ),
    },
    {
      id: 'handoffs',
      title: 'Handoffs and misroutes by workload',
      columns: [
        col('workload', 'Workload', 'text'),
        col('toInternal', 'Escalated to internal IT'),
        col('toPartner', 'Delegated to the partner'),
      ],
      rows: Object.entries(r.handoffs.byWorkload).map(([w, h]) => [w, h.toInternal, h.toPartner]),
    },
    {
      id: 'satisfaction',
      title: 'Satisfaction by side',
      columns: [
        col('side', 'Side', 'text'),
        col('ratings', 'Ratings'),
        col('good', 'Good', 'share'),
        col('bad', 'Bad', 'share'),
      ],
      rows: Object.entries(r.satisfaction.byOwner).map(([o, s]) => [
        SIDE_NAMES[o] ?? o,
        s.count,
        s.shareGood,
        s.shareBad,
      ]),
    },
  ];
  if (r.internalBacklog) {
    const b = r.internalBacklog;
    tables.push({
      id: 'backlog',
      title: 'Internal backlog',
      columns: [
        col('atStart', 'At the start of the month'),
        col('atEnd', 'At the end (or now)'),
        col('change', 'Change'),
        col('oldest', 'Oldest open', 'text'),
      ],
      rows: [
        [
          b.atStart,
          b.atEnd,
          b.trend,
          b.oldestOpen ? `${b.oldestOpen.key} (${b.oldestOpen.receivedAt.slice(0, 10)})` : null,
        ],
      ],
    });
  }
  // After the sections of later measures, where the generic table of the pulse stood.
  return [...tables, ...measureTables(r), ...sectionTables(r), ...(r.pulse ? pulseTables(r.pulse) : [])];
}

/** The team pulse: its figures (mean 1 to 5, answers of asked, each score) and its comments. */
function pulseTables(p: NonNullable<ReliefLike['pulse']>): ReportTable[] {
  const scores = ['1', '2', '3', '4', '5'];
  return [
    {
      id: 'pulse',
      title: 'Team pulse',
      columns: [
        col('mean', 'Mean (1 to 5)'),
        col('answers', 'Answers'),
        col('asked', 'Asked'),
        ...scores.map((s) => col(`score${s}`, `Answered ${s}`)),
      ],
      rows: [[p.mean, p.count, p.asked, ...scores.map((s) => p.distribution[s] ?? 0)]],
    },
    {
      id: 'pulse-comments',
      title: 'Team pulse comments',
      columns: [col('comment', 'Comment', 'text')],
      rows: p.comments.map((c) => [c]),
    },
  ];
}

const humanize = (key: string) =>
  key
    .replace(/([A-Z])/g, ' $1')
    .replace(/^./, (c) => c.toUpperCase())
    .trim();

/** A table of figures for each report section that no table above knows (a measure added later). */
export function sectionTables(r: Record<string, unknown>): ReportTable[] {
  const tables: ReportTable[] = [];
  for (const [key, value] of Object.entries(r)) {
    if (KNOWN.has(key) || value === null || typeof value !== 'object') continue;
    const rows: Cell[][] = [];
    const walk = (v: unknown, path: string[]) => {
      if (v === null || typeof v !== 'object') {
        rows.push([
          path.map(humanize).join(' › ') || humanize(key),
          typeof v === 'number' || typeof v === 'string' ? v : v === null ? null : String(v),
        ]);
      } else if (Array.isArray(v)) {
        rows.push([path.map(humanize).join(' › '), v.length]);
      } else {
        for (const [k, child] of Object.entries(v)) walk(child, [...path, k]);
      }
    };
    walk(value, []);
    tables.push({
      id: key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`),
      title: humanize(key),
      columns: [col('figure', 'Figure', 'text'), col('value', 'Value', 'text')],
      rows,
    });
  }
  return tables;
}

const minutesBetween = (from: string, to: string | null) =>
  to === null ? null : Math.round((new Date(to).getTime() - new Date(from).getTime()) / 60_000);
const yesNo = (o: { met: boolean | null; breached: boolean } | null | undefined) =>
  !o || (!o.breached && o.met === null) ? null : o.met === true && !o.breached ? 'yes' : 'no';

/** The month's tickets, one row each, in the order they were received. */
export function ticketsTable(facts: readonly TicketFact[]): ReportTable {
  const rows = [...facts]
    .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.key.localeCompare(b.key))
    .map((f): Cell[] => {
      const outcomes = [f.sla.firstResponse, f.sla.resolution, f.sla.nextUpdate ?? null]
        .map(yesNo)
        .filter((v) => v !== null);
      const h = f.handoffs ?? { toInternal: 0, toPartner: 0, acceptance: [] };
      return [
        f.key,
        f.receivedAt,
        f.owner,
        f.workload,
        f.priority,
        f.afterHours ? 'yes' : 'no',
        f.rule ?? null,
        f.firstRespondedAt,
        minutesBetween(f.receivedAt, f.firstRespondedAt),
        f.resolvedAt,
        minutesBetween(f.receivedAt, f.resolvedAt),
        yesNo(f.sla.firstResponse),
        yesNo(f.sla.resolution),
        outcomes.length === 0 ? null : outcomes.every((o) => o === 'yes') ? 'yes' : 'no',
        h.toInternal + h.toPartner,
        f.satisfaction?.rating ?? null,
      ];
    });
  return {
    id: 'tickets',
    title: 'Tickets of the month',
    columns: [
      col('key', 'Key', 'text'),
      col('received', 'Received', 'datetime'),
      col('owner', 'Owner', 'text'),
      col('workload', 'Workload', 'text'),
      col('priority', 'Priority', 'text'),
      col('afterHours', 'After hours', 'text'),
      col('rule', 'Rule', 'text'),
      col('firstResponseAt', 'First response at', 'datetime'),
      col('firstResponseMinutes', 'First response (minutes)', 'minutes'),
      col('resolvedAt', 'Resolved at', 'datetime'),
      col('resolutionMinutes', 'Resolution (minutes)', 'minutes'),
      col('firstResponseSlaMet', 'First response SLA met', 'text'),
      col('resolutionSlaMet', 'Resolution SLA met', 'text'),
      col('slaMet', 'SLA met', 'text'),
      col('handoffs', 'Handoffs'),
      col('rating', 'Rating', 'text'),
    ],
    rows,
  };
}

interface TrendsLike {
  points: {
    month: string;
    totalTickets: number;
    partnerShare: number | null;
    afterHoursAbsorbed: number | null;
    internalHoursFreed: number;
    slaAttainment: number | null;
    internalBacklog?: number | null;
    pulseMean?: number | null;
  }[];
}

/** The trend charts' table alternative: one row per month. */
export function trendsTable(t: TrendsLike): ReportTable {
  const backlog = t.points.some((p) => 'internalBacklog' in p);
  const pulse = t.points.some((p) => 'pulseMean' in p);
  return {
    id: 'trends',
    title: 'The last months',
    columns: [
      col('month', 'Month', 'text'),
      col('tickets', 'Tickets'),
      col('partnerShare', 'Partner share', 'share'),
      col('afterHoursAbsorbed', 'After-hours absorbed by the partner', 'share'),
      col('internalHoursFreed', 'Internal hours freed', 'hours'),
      col('slaAttainment', 'SLA attainment', 'share'),
      ...(backlog ? [col('internalBacklog', 'Internal backlog at month end')] : []),
      ...(pulse ? [col('pulseMean', 'Team pulse mean (1 to 5)')] : []),
    ],
    rows: t.points.map((p) => [
      p.month,
      p.totalTickets,
      p.partnerShare,
      p.afterHoursAbsorbed,
      p.internalHoursFreed,
      p.slaAttainment,
      ...(backlog ? [p.internalBacklog ?? null] : []),
      ...(pulse ? [p.pulseMean ?? null] : []),
    ]),
  };
}

const FORMULA = /^[=+\-@\t\r]/;

/** RFC 4180 CSV with a header row; text that a spreadsheet would run as a formula is quoted with a leading '. */
export function toCsv(table: ReportTable): string {
  const cell = (v: Cell) => {
    if (v === null) return '';
    if (typeof v === 'number') return String(v);
    const text = FORMULA.test(v) ? `'${v}` : v;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [table.columns.map((c) => cell(c.label)), ...table.rows.map((r) => r.map(cell))]
    .map((r) => r.join(','))
    .join('\r\n')
    .concat('\r\n');
}
