import { benchClassifier } from './classifier.ts';
import { benchCalendar, benchRouting } from './domain.ts';
import { benchEmail } from './email.ts';
import { startBenchStack } from './local.ts';
import { benchReports } from './reports.ts';
import { benchSimulate } from './simulate.ts';
import { benchSla } from './sla.ts';
import { benchSystem } from './system.ts';
import { benchWeb } from './web.ts';

/** `npm run bench`: prints figures; never a pass/fail. */
console.log(`benchmarks on Node ${process.version}, ${new Date().toISOString()}`);
benchRouting();
benchCalendar();
benchClassifier();
await benchWeb();
await benchSimulate();
const local = await startBenchStack();
try {
  await benchSystem(local);
  await benchEmail(local);
  await benchReports(local);
} finally {
  await local.stop();
}
await benchSla();
process.exit(0);
