import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';

/**
 * Every figure the bench measures, for `npm run bench -- --json results.json`: runs can be
 * compared by name. A section records what it prints with {@link record} (or through
 * `report()` in ./stats.ts, which records each of its numbers).
 */
export interface Figure {
  /** Stable across runs, e.g. `bundle: RouterOnTicketReceived minified`. */
  name: string;
  value: number;
  /** `ms`, `KB`, `1/s`, `USD`, `count`... */
  unit: string;
  /** The goal for this figure, when it has one. */
  goal?: Goal;
}

/** A figure's goal: at most `max`, or at least `min`, in the figure's unit. */
export type Goal = { max: number } | { min: number };

const recorded: Figure[] = [];

export function record(name: string, value: number, unit: string, goal?: Goal): Figure {
  const figure: Figure = { name, value, unit, ...(goal ? { goal } : {}) };
  recorded.push(figure);
  return figure;
}

export function figures(): readonly Figure[] {
  return recorded;
}

/** Whether a figure meets its goal; undefined when it has none. */
export function meetsGoal(figure: Pick<Figure, 'value' | 'goal'>): boolean | undefined {
  const { goal, value } = figure;
  if (!goal) return undefined;
  return 'max' in goal ? value <= goal.max : value >= goal.min;
}

/** `--json <file>` (or `--json=<file>`) from the command line, if given. */
export function jsonTarget(argv: readonly string[] = process.argv.slice(2)): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--json') return argv[i + 1];
    if (arg.startsWith('--json=')) return arg.slice('--json='.length);
  }
  return undefined;
}

/** Writes the run and every figure recorded so far as JSON. */
export async function writeFigures(file: string, run: Record<string, unknown>): Promise<string> {
  const path = resolve(file);
  const out = {
    run,
    figures: recorded.map((f) => ({ ...f, ...(f.goal ? { met: meetsGoal(f) } : {}) })),
  };
  await writeFile(path, `${JSON.stringify(out, null, 2)}\n`);
  return path;
}
