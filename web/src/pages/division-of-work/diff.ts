/**
 * A line diff of two texts (longest common subsequence, after trimming the common start and end),
 * grouped into hunks with a few lines of context: enough for two versions of a division of work,
 * a few hundred lines each.
 */

export interface DiffLine {
  kind: 'same' | 'added' | 'removed';
  text: string;
  /** 1-based line numbers in the old and the new text (null where the line is not in it). */
  oldLine: number | null;
  newLine: number | null;
}

export type Hunk = DiffLine[];

/** Past this many changed lines on either side the LCS table would be too big: show all as changed. */
const MAX_LCS_LINES = 4000;

export function diffLines(oldText: string, newText: string): DiffLine[] {
  const a = oldText.split('\n');
  const b = newText.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const out: DiffLine[] = [];
  for (let i = 0; i < start; i++) out.push({ kind: 'same', text: a[i]!, oldLine: i + 1, newLine: i + 1 });
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const n = midA.length;
  const m = midB.length;
  if (n > MAX_LCS_LINES || m > MAX_LCS_LINES) {
    midA.forEach(
      (text, i) => void out.push({ kind: 'removed', text, oldLine: start + i + 1, newLine: null }),
    );
    midB.forEach((text, j) => void out.push({ kind: 'added', text, oldLine: null, newLine: start + j + 1 }));
  } else {
    // lcs[i][j]: the longest common subsequence of midA[i..] and midB[j..].
    const lcs = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i]![j] =
          midA[i] === midB[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && midA[i] === midB[j]) {
        out.push({ kind: 'same', text: midA[i]!, oldLine: start + i + 1, newLine: start + j + 1 });
        i++;
        j++;
      } else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
        // Removed lines before the added ones that replace them, as diffs read.
        out.push({ kind: 'removed', text: midA[i]!, oldLine: start + i + 1, newLine: null });
        i++;
      } else {
        out.push({ kind: 'added', text: midB[j]!, oldLine: null, newLine: start + j + 1 });
        j++;
      }
    }
  }
  for (let k = 0; k < a.length - endA; k++) {
    out.push({ kind: 'same', text: a[endA + k]!, oldLine: endA + k + 1, newLine: endB + k + 1 });
  }
  return out;
}

/** The changed lines with `context` unchanged lines around each group; empty when nothing changed. */
export function hunks(lines: DiffLine[], context = 3): Hunk[] {
  const keep = lines.map(() => false);
  lines.forEach((line, i) => {
    if (line.kind === 'same') return;
    for (let k = Math.max(0, i - context); k <= Math.min(lines.length - 1, i + context); k++) keep[k] = true;
  });
  const out: Hunk[] = [];
  let hunk: Hunk | null = null;
  lines.forEach((line, i) => {
    if (!keep[i]) {
      hunk = null;
      return;
    }
    if (!hunk) {
      hunk = [];
      out.push(hunk);
    }
    hunk.push(line);
  });
  return out;
}
