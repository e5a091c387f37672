import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalStack, startLocalStack } from '../stack.ts';

/**
 * One local runtime for the end-to-end benchmarks. Handler modules read their configuration
 * once, at import (as a Lambda cold start does), so one process hosts one runtime.
 */
export async function startBenchStack(): Promise<{
  stack: LocalStack;
  dataDir: string;
  stop: () => Promise<void>;
}> {
  const dataDir = await mkdtemp(join(tmpdir(), 'psa-bench-'));
  const stack = await startLocalStack({
    PSA_HTTP_PORT: 0,
    PSA_SMTP_PORT: 0,
    PSA_DATA_DIR: dataDir,
    PSA_LOG_LEVEL: 'SILENT',
  });
  return {
    stack,
    dataDir,
    stop: async () => {
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
