import { cpus } from 'node:os';
import { benchBundles } from './bundles.ts';
import { benchClassifier } from './classifier.ts';
import { benchCost } from './cost.ts';
import { benchCalendar, benchRouting } from './domain.ts';
import { benchEmail } from './email.ts';
import { jsonTarget, writeFigures } from './figures.ts';
import { startBenchStack } from './local.ts';
import { benchReports } from './reports.ts';
import { benchSimulate } from './simulate.ts';
import { benchSla } from './sla.ts';
import { benchSystem } from './system.ts';
import { benchWeb } from './web.ts';

/** `npm run bench`: prints figures; never a pass/fail. `-- --json <file>` also writes them as JSON. */
const json = jsonTarget();
const startedAt = new Date().toISOString();
console.log(`benchmarks on Node ${process.version}, ${startedAt}`);
benchRouting();
benchCalendar();
benchClassifier();
await benchWeb();
await benchSimulate();
const local = await startBenchStack();
try {
  await benchSystem(local);
  await benchEmail(local);
  // Before the reports section loads 100,000s of facts into the same stack.
  await benchCost(local);
  await benchReports(local);
} finally {
  await local.stop();
}
await benchSla();
await benchBundles();
if (json) {
  const run = { startedAt, node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model };
  console.log(`figures written to ${await writeFigures(json, run)}`);
}
process.exit(0);
