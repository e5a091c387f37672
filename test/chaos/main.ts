import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { formatReport } from '@psa/local/chaos/print';
import { CHAOS_DEFAULTS, runChaos } from '@psa/local/chaos/run';
import { fuzzApi } from '../fuzz/api-fuzz.ts';

/**
 * `npm run chaos [-- --seed S] [--tickets N] [--kills K] [--fuzz-runs R] [--json file] [--keep]`:
 * a chaos run against the local runtime (faults on every AWS call, bus duplicates, reorders and
 * outages, SIGKILLs; see packages/local/src/chaos/run.ts), then the API fuzzer with many more
 * runs than `npm test` gives it, on the same seed. Prints the figures; exits 1 when a goal is
 * missed. The seed is printed first, so a failing run can be replayed with `--seed`.
 */
const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    tickets: { type: 'string' },
    kills: { type: 'string' },
    'fuzz-runs': { type: 'string', default: '5000' },
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

const fuzzSeed = Number.parseInt(seed.replace(/[^0-9a-f]/gi, '').slice(0, 7) || '0', 16);
const fuzzRuns = Number(values['fuzz-runs']);
console.log(`api fuzz: seed ${fuzzSeed}, ${fuzzRuns} runs (replay: npm run fuzz -- --seed ${fuzzSeed})`);
const fuzz = await fuzzApi({ seed: fuzzSeed, runs: fuzzRuns });
console.log(`api fuzz statuses: ${JSON.stringify(fuzz.statuses)}`);
if (fuzz.failure) console.log(`api fuzz FAILED: ${fuzz.failure.problem}\n${fuzz.failure.replay}`);
else console.log(`api fuzz ok: ${fuzz.runs} requests, none answered 5xx or hung`);

if (values.json)
  await writeFile(
    values.json,
    `${JSON.stringify({ ...report, fuzz: { seed: fuzzSeed, runs: fuzz.runs, failure: fuzz.failure ?? null } }, null, 2)}\n`,
  );
process.exit(report.passed && !fuzz.failure ? 0 : 1);
