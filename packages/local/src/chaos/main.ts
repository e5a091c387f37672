import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { formatReport } from './print.ts';
import { CHAOS_DEFAULTS, runChaos } from './run.ts';

/**
 * `npm run chaos [-- --seed S] [--tickets N] [--kills K] [--json file] [--keep]`: a chaos run
 * against the local runtime (see run.ts); prints its figures and exits 1 when a goal is missed.
 * The seed is printed first, so a failing run can be replayed with `--seed`.
 */
const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    tickets: { type: 'string' },
    kills: { type: 'string' },
    json: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'converge-timeout': { type: 'string' },
  },
});
const seed = values.seed ?? randomBytes(4).toString('hex');
const number = (v: string | undefined, fallback: number) => (v === undefined ? fallback : Number(v));
console.log(`seed ${seed} (replay: npm run chaos -- --seed ${seed})`);
const report = await runChaos({
  ...CHAOS_DEFAULTS,
  seed,
  tickets: number(values.tickets, CHAOS_DEFAULTS.tickets),
  kills: number(values.kills, CHAOS_DEFAULTS.kills),
  convergeTimeoutMs: number(values['converge-timeout'], CHAOS_DEFAULTS.convergeTimeoutMs / 1000) * 1000,
  keepDataDir: values.keep,
  log: (line) => console.log(`  ${new Date().toISOString().slice(11, 19)} ${line}`),
});
console.log(formatReport(report));
if (values.json) await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`);
process.exit(report.passed ? 0 : 1);
