/**
 * CSV of labelled tickets (RFC 4180): comma-separated fields, optionally in double quotes; inside
 * quotes a doubled quote is a quote and commas and line breaks are data. Records end with CRLF or
 * LF. The first record is a header that must name a `text` and a `label` column (any order, any
 * case; other columns are ignored). Blank lines are skipped; a byte-order mark is ignored.
 */

/** A labelled example: ticket text (subject and body) and its category. */
export interface LabelledText {
  text: string;
  label: string;
}

/** A malformed CSV; `line` is the 1-based line on which the offending record starts. */
export class CsvError extends Error {
  declare readonly line: number;

  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvError';
    this.line = line;
  }
}

interface CsvRecord {
  fields: string[];
  /** 1-based line on which the record starts. */
  line: number;
}

/** Splits CSV text into records (see the module comment); throws {@link CsvError}. */
export function parseCsvRecords(input: string): CsvRecord[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        const quoteLine = line;
        i++;
        for (;;) {
          if (i >= n) throw new CsvError(quoteLine, 'unterminated quoted field');
          const ch = text[i]!;
          if (ch === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (ch === '\n') line++;
          field += ch;
          i++;
        }
        const next = text[i];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
          throw new CsvError(line, `unexpected ${JSON.stringify(next)} after a closing quote`);
        }
      } else {
        const from = i;
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          if (text[i] === '"') throw new CsvError(line, 'quote inside an unquoted field');
          i++;
        }
        field = text.slice(from, i);
      }
      fields.push(field);
      if (text[i] === ',') {
        i++;
        continue;
      }
      // End of record: CRLF, LF, a lone CR or the end of the input.
      if (text[i] === '\r') i++;
      if (text[i] === '\n') i++;
      line++;
      break;
    }
    if (!(fields.length === 1 && fields[0] === '')) records.push({ fields, line: start });
  }
  return records;
}

/**
 * Parses a CSV of labelled tickets (see the module comment) into examples. Throws
 * {@link CsvError} naming the line of a malformed record: bad quoting, a record whose number of
 * fields differs from the header's, an empty label, or a header without `text` and `label`.
 */
export function parseCsv(input: string): LabelledText[] {
  const records = parseCsvRecords(input);
  const header = records[0];
  if (!header) throw new CsvError(1, 'empty file: expected a header with "text" and "label" columns');
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const column = (name: string) => {
    const at = names.indexOf(name);
    if (at < 0) throw new CsvError(header.line, `header has no "${name}" column`);
    if (names.indexOf(name, at + 1) >= 0) throw new CsvError(header.line, `header has two "${name}" columns`);
    return at;
  };
  const textAt = column('text');
  const labelAt = column('label');
  const examples: LabelledText[] = [];
  for (const record of records.slice(1)) {
    if (record.fields.length !== names.length) {
      throw new CsvError(
        record.line,
        `expected ${names.length} fields as in the header, found ${record.fields.length}`,
      );
    }
    const label = record.fields[labelAt]!.trim();
    if (label === '') throw new CsvError(record.line, 'empty label');
    examples.push({ text: record.fields[textAt]!, label });
  }
  return examples;
}
