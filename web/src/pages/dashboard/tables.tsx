import type { ComponentChildren } from 'preact';
import { formatCell } from './format.ts';
import type { Cell, CellFormat, ReportTable } from './model.ts';

/** A table of the report as the API gives it; `caption` names it for screen readers and tests. */
export function DataTable(props: {
  caption: string;
  /** The caption for screen readers only, when a heading above already shows the same words. */
  hideCaption?: boolean;
  columns: { label: string; format: CellFormat }[];
  rows: Cell[][];
  children?: ComponentChildren;
}) {
  return (
    <div class="table-scroll">
      <table>
        <caption class={props.hideCaption ? 'visually-hidden' : undefined}>{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th
                key={c.label}
                scope="col"
                class={c.format === 'text' || c.format === 'datetime' ? '' : 'num'}
              >
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.length === 0 ? (
            <tr>
              <td colSpan={props.columns.length}>None this month.</td>
            </tr>
          ) : (
            props.rows.map((row, i) => (
              <tr key={i}>
                {row.map((cell, j) => {
                  const format = props.columns[j]?.format ?? 'text';
                  return (
                    <td key={j} class={format === 'text' || format === 'datetime' ? '' : 'num'}>
                      {formatCell(cell, format)}
                    </td>
                  );
                })}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

/** One of the month's tables with its CSV download. */
export function MonthTable(props: { table: ReportTable; onDownload?: (id: string) => void }) {
  const { table } = props;
  return (
    <section class="report-table" aria-labelledby={`t-${table.id}`}>
      <h3 id={`t-${table.id}`}>{table.title}</h3>
      <DataTable caption={table.title} hideCaption columns={table.columns} rows={table.rows} />
      {props.onDownload ? (
        <button type="button" class="link no-print" onClick={() => props.onDownload?.(table.id)}>
          Download “{table.title}” as CSV
        </button>
      ) : null}
    </section>
  );
}
