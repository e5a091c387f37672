import { benchCalendar, benchRouting } from './domain.ts';
import { benchEmail } from './email.ts';
import { benchSystem } from './system.ts';

/** `npm run bench`: prints figures; never a pass/fail. */
console.log(`benchmarks on Node ${process.version}, ${new Date().toISOString()}`);
benchRouting();
benchCalendar();
await benchSystem();
await benchEmail();
process.exit(0);
