/**
 * The report API's answers as the dashboard reads them (services/reporting, OpenAPI at
 * /openapi.json): every figure on the page is one of these values, formatted, never recomputed.
 */
export type Status = 'green' | 'amber' | 'red' | 'none';
export type Figure = 'partnerShare' | 'afterHoursAbsorbed' | 'slaAttainment';
export type Targets = Record<Figure, number>;

export interface Relief {
  month: string;
  side?: 'partner';
  timeZone: string;
  totalTickets: number;
  partnerShare: number | null;
  afterHoursTickets: number;
  afterHoursPartnerShare: number | null;
  internalHoursFreed: number;
  slaOverall: Record<string, { measured: number; met: number; attainment: number | null }>;
  targets: Targets;
  status: Record<Figure, Status>;
  monthOverMonth: {
    previousMonth: string;
    partnerShare: number | null;
    internalHoursFreed: number | null;
    afterHoursTickets: number | null;
  };
}

export type CellFormat = 'text' | 'count' | 'share' | 'hours' | 'minutes' | 'datetime';
export type Cell = string | number | null;
export interface ReportTable {
  id: string;
  title: string;
  columns: { key: string; label: string; format: CellFormat }[];
  rows: Cell[][];
}

export interface TrendPoint {
  month: string;
  totalTickets: number;
  partnerShare: number | null;
  afterHoursAbsorbed: number | null;
  slaAttainment: number | null;
  internalHoursFreed: number;
  internalBacklog?: number | null;
  /** The team pulse's mean, 1 to 5; absent for the partner. */
  pulseMean?: number | null;
  status: Record<Figure, Status>;
}
export interface Trends {
  side: 'both' | 'partner';
  from: string;
  to: string;
  targets: Targets;
  amberMargin: number;
  points: TrendPoint[];
}

export type Owner = 'partner' | 'internal' | 'triage';
export interface UrgentTicket {
  id: string;
  key: string;
  owner: Owner;
  priority: string | null;
  clock: string;
  dueAt: string;
}
export interface Backlog {
  asOf: string;
  total: number;
  byOwner: Partial<Record<Owner, number>>;
  byPriority: Partial<Record<Owner, Record<string, number>>>;
  byAge: Partial<Record<Owner, Record<string, number>>>;
  oldestOpen: Partial<
    Record<Owner, { id: string; key: string; receivedAt: string; ageHours: number } | null>
  >;
  dueSoonHours: number;
  dueSoon: UrgentTicket[];
  breached: UrgentTicket[];
}
