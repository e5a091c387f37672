/**
 * `psa pattern-check <cases.json>`: runs EventBridge event patterns against events with the local
 * matcher, so a rule can be checked before it is deployed and the matcher compared with the
 * behaviour of EventBridge (aws/event-ruler) on a file of known cases.
 *
 * The file holds `{"cases": [{"id": ..., "pattern": {...}, "event": {...}}, ...]}` (other fields,
 * such as an expected result, are ignored). One JSON line is printed per case:
 * `{"id": ..., "actual": true|false}`, with an `error` naming the problem when the pattern is invalid.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { matchesPattern } from '../event-pattern.ts';

const USAGE = 'usage: psa pattern-check <cases.json>\n';

/**
 * Runs the cases in the file named by `args[0]`, writing one JSON line per case to `out`.
 *
 * @returns 0 when every case was run, 2 (with a usage message on stderr) when no file is given,
 *   1 when the file cannot be read or does not hold a list of cases.
 */
export async function main(
  args: string[],
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<number> {
  const file = args[0];
  if (!file) {
    process.stderr.write(USAGE);
    return 2;
  }
  let cases: unknown;
  try {
    cases = (JSON.parse(await readFile(file, 'utf8')) as { cases?: unknown }).cases;
  } catch (error) {
    process.stderr.write(`pattern-check: cannot read ${file}: ${messageOf(error)}\n`);
    return 1;
  }
  if (!Array.isArray(cases)) {
    process.stderr.write(`pattern-check: ${file} has no "cases" array\n`);
    return 1;
  }
  for (const c of cases as { id?: unknown; pattern?: unknown; event?: unknown }[]) {
    try {
      out(JSON.stringify({ id: c.id, actual: matchesPattern(c.pattern, c.event) }));
    } catch (error) {
      out(JSON.stringify({ id: c.id, actual: false, error: messageOf(error) }));
    }
  }
  return 0;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// Also runnable on its own: `node packages/local/src/cli/pattern-check.ts <cases.json>`.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
