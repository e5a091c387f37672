import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';
import { makeDynaliteWritesAtomic } from './dynalite-atomic.ts';
import { capturingStore, markStoppedCleanly, rebuildIndexes, stoppedUncleanly } from './dynalite-recovery.ts';
import { describeCall } from './dynamo-call-kinds.ts';

/**
 * The DynamoDB emulator's thread (see ./emulators.ts): dynalite on LevelDB in the data folder,
 * with its crash safety (atomic item and index writes, index rebuild after an unclean stop), on a
 * core of its own. It counts the calls it serves by operation into `counts` (shared memory the
 * runtime reads at any moment) and by operation and record in a map the runtime may ask for.
 */
export interface DynaliteWorkerData {
  dataDir: string;
  /** One Int32 per name of `operations`, the last for any other. */
  counts: SharedArrayBuffer;
  operations: readonly string[];
}

export type DynaliteWorkerMessage =
  | { type: 'ready'; port: number; stale: number }
  | { type: 'breakdown'; calls: [string, number][] }
  | { type: 'stopped' }
  | { type: 'failed'; message: string };

const { dataDir, counts, operations } = workerData as DynaliteWorkerData;
const port = parentPort!;
const counters = new Int32Array(counts);
const breakdown = new Map<string, number>();

try {
  makeDynaliteWritesAtomic();
  const dynamoPath = join(dataDir, 'dynamodb');
  const unclean = await stoppedUncleanly(dynamoPath);
  const { result: server, store } = capturingStore(
    (): Server => dynalite({ path: dynamoPath, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }),
  );
  // After a crash the indexes may disagree with the items (./dynalite-recovery.ts): rebuilt
  // before the first call.
  const { stale } = unclean ? await rebuildIndexes(store) : { stale: 0 };
  server.on('request', (req: IncomingMessage) => {
    const op = (req.headers['x-amz-target'] as string | undefined)?.split('.')[1] ?? 'unknown';
    const i = operations.indexOf(op);
    Atomics.add(counters, i === -1 ? operations.length : i, 1);
    // dynalite reads the body with its own 'data' listener, attached first; this one sees the same chunks.
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const call = describeCall(op, Buffer.concat(chunks).toString('utf8'));
      breakdown.set(call, (breakdown.get(call) ?? 0) + 1);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port.on('message', (msg: { type: 'breakdown' | 'stop' }) => {
    if (msg.type === 'breakdown') {
      port.postMessage({ type: 'breakdown', calls: [...breakdown] } satisfies DynaliteWorkerMessage);
      return;
    }
    server.close(() => {
      markStoppedCleanly(dynamoPath).then(
        () => port.postMessage({ type: 'stopped' } satisfies DynaliteWorkerMessage),
        (err: Error) =>
          port.postMessage({ type: 'failed', message: err.message } satisfies DynaliteWorkerMessage),
      );
    });
  });
  port.postMessage({
    type: 'ready',
    port: (server.address() as AddressInfo).port,
    stale,
  } satisfies DynaliteWorkerMessage);
} catch (err) {
  port.postMessage({
    type: 'failed',
    message: (err as Error).stack ?? String(err),
  } satisfies DynaliteWorkerMessage);
}
