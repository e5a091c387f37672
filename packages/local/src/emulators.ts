import { once } from 'node:events';
import type { AddressInfo, Server } from 'node:net';
import { join } from 'node:path';
import dynalite from 'dynalite';
import { startFauxqs } from 'fauxqs';
import { makeDynaliteWritesAtomic } from './dynalite-atomic.ts';

export interface Emulators {
  dynamodb: string;
  /** DynamoDB API calls served, by operation (benchmarks report the cost of a ticket in calls). */
  dynamoCalls: Map<string, number>;
  sqs: string;
  s3: string;
  stop(): Promise<void>;
}

/**
 * The embedded AWS emulators: dynalite (DynamoDB API, LevelDB on disk) and fauxqs (SQS and S3,
 * SQLite on disk). Both keep their state under the data folder across restarts.
 */
export async function startEmulators(dataDir: string): Promise<Emulators> {
  makeDynaliteWritesAtomic();
  const dynamo: Server = dynalite({
    path: join(dataDir, 'dynamodb'),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
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
    async stop() {
      await fauxqs.stop();
      await new Promise<void>((resolve) => dynamo.close(() => resolve()));
    },
  };
}
