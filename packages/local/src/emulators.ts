import { once } from 'node:events';
import type { AddressInfo, Server } from 'node:net';
import { join } from 'node:path';
import dynalite from 'dynalite';
import { startFauxqs } from 'fauxqs';
import { makeDynaliteWritesAtomic } from './dynalite-atomic.ts';
import { capturingStore, markStoppedCleanly, rebuildIndexes, stoppedUncleanly } from './dynalite-recovery.ts';

export interface Emulators {
  dynamodb: string;
  /** DynamoDB API calls served, by operation (benchmarks report the cost of a ticket in calls). */
  dynamoCalls: Map<string, number>;
  sqs: string;
  s3: string;
  /** Index entries a crash had left disagreeing with the items, removed at this start. */
  staleIndexEntries: number;
  stop(): Promise<void>;
}

/**
 * The embedded AWS emulators: dynalite (DynamoDB API, LevelDB on disk) and fauxqs (SQS and S3,
 * SQLite on disk). Both keep their state under the data folder across restarts, crashes included.
 */
export async function startEmulators(dataDir: string): Promise<Emulators> {
  makeDynaliteWritesAtomic();
  const dynamoPath = join(dataDir, 'dynamodb');
  const unclean = await stoppedUncleanly(dynamoPath);
  const { result: dynamo, store } = capturingStore(
    (): Server =>
      dynalite({
        path: dynamoPath,
        createTableMs: 0,
        deleteTableMs: 0,
        updateTableMs: 0,
      }),
  );
  // After a crash the indexes may disagree with the items (see dynalite-recovery.ts): rebuilt
  // before the first call.
  const { stale } = unclean ? await rebuildIndexes(store) : { stale: 0 };
  const dynamoCalls = new Map<string, number>();
  dynamo.on('request', (req: { headers: Record<string, string | undefined> }) => {
    const op = req.headers['x-amz-target']?.split('.')[1] ?? 'unknown';
    dynamoCalls.set(op, (dynamoCalls.get(op) ?? 0) + 1);
  });
  dynamo.listen(0, '127.0.0.1');
  await once(dynamo, 'listening');
  const dynamoPort = (dynamo.address() as AddressInfo).port;
  // fauxqs' start helper binds every interface; there is no option to narrow it yet, so clients
  // always use the loopback address.
  const fauxqs = await startFauxqs({ port: 0, logger: false, dataDir: join(dataDir, 'fauxqs') });
  const loopback = `http://127.0.0.1:${fauxqs.port}`;
  return {
    dynamodb: `http://127.0.0.1:${dynamoPort}`,
    dynamoCalls,
    sqs: loopback,
    s3: loopback,
    staleIndexEntries: stale,
    async stop() {
      await fauxqs.stop();
      await new Promise<void>((resolve) => dynamo.close(() => resolve()));
      await markStoppedCleanly(dynamoPath);
    },
  };
}
