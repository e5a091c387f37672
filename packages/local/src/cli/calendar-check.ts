/**
 * Runs business-hours test vectors (the format of test/corpus/sla/cases.json) through the calendar API.
 *
 *   node packages/local/src/cli/calendar-check.ts <cases.json>
 *
 * Prints one JSON line per case: {"id": ..., "actual": ...}, where `actual` has the form of the case's
 * expected field (an instant string shaped like `expected`, a wall-clock string like `expected_local`, or a
 * number of seconds for `expected_seconds`); on an error {"id": ..., "actual": null, "error": "..."}.
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { type CalendarCase, runCase } from '../calendar-cases.ts';

const USAGE = 'usage: calendar-check <cases.json>\n';

function casesOf(parsed: unknown): CalendarCase[] {
  if (Array.isArray(parsed)) return parsed as CalendarCase[];
  if (parsed && typeof parsed === 'object' && Array.isArray((parsed as { cases?: unknown }).cases)) {
    return (parsed as { cases: CalendarCase[] }).cases;
  }
  throw new Error('expected a JSON array of cases or an object with a "cases" array');
}

export async function main(
  args: string[],
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Promise<number> {
  const file = args[0];
  if (!file) {
    process.stderr.write(USAGE);
    return 2;
  }
  const cases = casesOf(JSON.parse(await readFile(file, 'utf8')));
  for (const c of cases) {
    try {
      out(JSON.stringify({ id: c.id, actual: runCase(c) }));
    } catch (err) {
      out(
        JSON.stringify({ id: c.id, actual: null, error: err instanceof Error ? err.message : String(err) }),
      );
    }
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0); // reader went away (e.g. `| head`)
    throw err;
  });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`calendar-check: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
