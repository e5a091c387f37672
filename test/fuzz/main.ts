import { parseArgs } from 'node:util';
import { fuzzApi } from './api-fuzz.ts';

/**
 * The API fuzzer's long run: `npm run fuzz -- --runs 5000 [--seed 123]`. The seed is random
 * unless given, and printed first, so any failure can be replayed with `--seed`.
 * Exits 1 when a request was answered with a 5xx, without the error body, or not at all.
 */
export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { runs: { type: 'string', default: '2000' }, seed: { type: 'string' } },
  });
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
  const runs = Number(values.runs);
  console.log(`api fuzz: seed ${seed}, ${runs} runs`);
  const report = await fuzzApi({ seed, runs });
  console.log(`statuses: ${JSON.stringify(report.statuses)}`);
  if (report.failure) {
    console.log(`FAILED (replay with --seed ${seed}): ${report.failure.problem}`);
    console.log(report.failure.replay);
    return 1;
  }
  console.log(`ok: ${report.runs} requests, none answered 5xx or hung, every refusal with the error body`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main();
}
