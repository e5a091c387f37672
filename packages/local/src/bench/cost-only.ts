import { benchCost } from './cost.ts';
import { startBenchStack } from './local.ts';

/** `npm run bench:cost`: only the cost model's section of `npm run bench`, on a fresh local stack. */
const local = await startBenchStack();
try {
  await benchCost(local);
} finally {
  await local.stop();
}
process.exit(0);
