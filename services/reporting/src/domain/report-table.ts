/** A report turned into a named table of plain values (see ./tables.ts), and what its builders share. */
export type CellFormat = 'text' | 'count' | 'share' | 'hours' | 'minutes' | 'datetime';
export type Cell = string | number | null;

export interface ReportTable {
  id: string;
  title: string;
  columns: { key: string; label: string; format: CellFormat }[];
  rows: Cell[][];
}

export const SIDE_NAMES: Record<string, string> = {
  partner: 'MSP partner',
  internal: 'Internal IT',
  triage: 'Triage (partner service desk)',
};

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;

export const col = (key: string, label: string, format: CellFormat = 'count') => ({ key, label, format });
