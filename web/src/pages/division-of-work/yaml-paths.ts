/**
 * Where a path of the document (`workloads.3.owner`, as the API names a problem) is in YAML text,
 * and which path a line stands at, read from block-style YAML's indentation: enough for a
 * division of work as the API writes it and as people type it, without shipping a YAML parser.
 * A path inside a flow collection (`[a, b]`) resolves to the line of its nearest enclosing key.
 */

interface Frame {
  indent: number;
  segment: string;
  /** A key whose value starts on the next lines (a sequence may then start at the same indent). */
  open: boolean;
}

const KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"\-?:,[\]{}][^#]*?|-[^\s#][^#]*?)\s*:(?:\s+(.*))?$/;

function unquote(key: string): string {
  if (key.startsWith('"')) {
    try {
      return JSON.parse(key) as string;
    } catch {
      return key.slice(1, -1);
    }
  }
  if (key.startsWith("'")) return key.slice(1, -1).replaceAll("''", "'");
  return key;
}

export interface LineInfo {
  /** Path of each line (0-based line numbers) that opens a key or a sequence item. */
  pathOfLine: Map<number, string>;
  /** First line (0-based) of each path. */
  lineOfPath: Map<string, number>;
}

/** The paths the lines of a YAML text stand at, and back. */
export function scanYaml(text: string): LineInfo {
  const lines = text.split('\n');
  const pathOfLine = new Map<number, string>();
  const lineOfPath = new Map<string, number>();
  const counters = new Map<string, number>();
  const stack: Frame[] = [];
  let blockScalarIndent: number | null = null;
  const pathOf = () => stack.map((f) => f.segment).join('.');
  const record = (n: number) => {
    const path = pathOf();
    pathOfLine.set(n, path);
    if (!lineOfPath.has(path)) lineOfPath.set(path, n);
  };

  lines.forEach((raw, n) => {
    const line = raw.replace(/\r$/, '');
    const rest = line.trimStart();
    const indent = line.length - rest.length;
    if (blockScalarIndent !== null) {
      if (rest === '' || indent > blockScalarIndent) return;
      blockScalarIndent = null;
    }
    if (rest === '' || rest.startsWith('#') || rest.startsWith('---') || rest.startsWith('...')) return;
    const dash = /^-(\s+|$)/.exec(rest);
    while (stack.length > 0) {
      const top = stack.at(-1)!;
      if (top.indent < indent || (dash && top.open && top.indent === indent)) break;
      stack.pop();
    }
    let col = indent;
    let body = rest;
    if (dash) {
      const parent = pathOf();
      const index = counters.get(parent) ?? 0;
      counters.set(parent, index + 1);
      stack.push({ indent, segment: String(index), open: false });
      record(n);
      col = indent + dash[0].length;
      body = rest.slice(dash[0].length);
      if (body === '' || body.startsWith('#')) return;
    }
    const key = KEY.exec(body);
    if (!key) return;
    const value = (key[2] ?? '').replace(/\s+#.*$/, '');
    stack.push({ indent: col, segment: unquote(key[1]!.trim()), open: value === '' });
    record(n);
    if (/^[|>][0-9+-]*$/.test(value)) blockScalarIndent = col;
  });
  return { pathOfLine, lineOfPath };
}

/** The line (0-based) of a path, or of its nearest ancestor the text has; null when none. */
export function lineOf(info: LineInfo, path: string): number | null {
  const parts = path.split('.').filter(Boolean);
  for (let n = parts.length; n > 0; n--) {
    const line = info.lineOfPath.get(parts.slice(0, n).join('.'));
    if (line !== undefined) return line;
  }
  return null;
}

/**
 * The mapping a key typed at `column` of line `line` belongs to, as a path (`workloads.2`), from
 * the lines above it: what completion offers keys of.
 */
export function parentPathAt(text: string, line: number, column: number): string[] {
  const lines = text.split('\n');
  const above = lines.slice(0, line);
  const current = lines[line] ?? '';
  const before = current.slice(0, column);
  const dash = /^(\s*)-\s+/.exec(before);
  // Scan the text above plus a placeholder key where the cursor is.
  const probeIndent = dash ? dash[0].length : before.length - before.trimStart().length;
  const probe = dash ? `${dash[0]}probe__: x` : `${' '.repeat(probeIndent)}probe__: x`;
  const info = scanYaml([...above, probe].join('\n'));
  const path = info.pathOfLine.get(above.length) ?? '';
  const parts = path.split('.');
  return parts.slice(0, -1).filter(Boolean);
}

/** A top-level section of YAML text (`targets:` and what is indented under it), for showing as is. */
export function topLevelSection(text: string, key: string): string | null {
  const lines = text.split('\n');
  const start = lines.findIndex(
    (l) => l === `${key}:` || l.startsWith(`${key}: `) || l.startsWith(`${key}:\t`),
  );
  if (start < 0) return null;
  let end = start + 1;
  while (end < lines.length && (lines[end] === '' || /^[\s#-]/.test(lines[end]!))) end++;
  return lines.slice(start, end).join('\n').trimEnd();
}
