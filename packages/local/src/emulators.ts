import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { DynaliteWorkerData, DynaliteWorkerMessage } from './dynalite-worker.ts';
import type { FauxqsWorkerData, FauxqsWorkerMessage } from './fauxqs-worker.ts';

export interface Emulators {
  dynamodb: string;
  /** DynamoDB API calls served so far, by operation (benchmarks report the cost of a ticket in calls). */
  readonly dynamoCalls: Map<string, number>;
  /** DynamoDB API calls served so far, by operation and the record they touch ("GetItem ticket"). */
  dynamoCallBreakdown(): Promise<Map<string, number>>;
  sqs: string;
  s3: string;
  /** Index entries a crash had left disagreeing with the items, removed at this start. */
  staleIndexEntries: number;
  /** Indexes a data folder of an earlier version declared otherwise, rebuilt at this start. */
  upgradedIndexes: string[];
  stop(): Promise<void>;
}

/** The operations counted one by one; any other counts as `other`. */
const OPERATIONS = [
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactGetItems',
  'TransactWriteItems',
  'CreateTable',
  'DescribeTable',
  'UpdateTimeToLive',
  'DescribeTimeToLive',
  'ListTables',
] as const;

/** The DynamoDB emulator alone (what the runtime and the benchmarks start). */
export interface DynamoEmulator {
  endpoint: string;
  readonly calls: Map<string, number>;
  breakdown(): Promise<Map<string, number>>;
  /** Index entries a crash had left disagreeing with the items, removed at this start. */
  staleIndexEntries: number;
  /** Indexes a data folder of an earlier version declared otherwise, rebuilt at this start. */
  upgradedIndexes: string[];
  /**
   * Writes new items (DynamoDB JSON) straight into the table with their index entries, as an
   * import from S3 fills a table: for a benchmark's large fixture, never for the system's data.
   */
  importItems(table: string, items: Record<string, unknown>[]): Promise<number>;
  stop(): Promise<void>;
}

/**
 * dynalite (LevelDB in `dataDir/dynamodb`) in a worker thread (./dynalite-worker.ts), so the
 * emulator's share of a call (parsing, validating, LevelDB) runs on another core than the code
 * calling it. It is still this process: a SIGKILL ends both at once, as when it ran on the main
 * thread, and a restart finds the folder as the crash left it (and repairs its indexes).
 */
export async function startDynamoEmulator(dataDir: string): Promise<DynamoEmulator> {
  const counts = new SharedArrayBuffer(4 * (OPERATIONS.length + 1));
  const worker = new Worker(new URL('./dynalite-worker.ts', import.meta.url), {
    workerData: { dataDir, counts, operations: OPERATIONS } satisfies DynaliteWorkerData,
  });
  // Every message goes to the first waiter it is for; a failure to all of them.
  const waiters: { take: (msg: DynaliteWorkerMessage) => boolean; fail: (err: Error) => void }[] = [];
  const failAll = (err: Error) => {
    for (const w of waiters.splice(0)) w.fail(err);
  };
  worker.on('message', (msg: DynaliteWorkerMessage) => {
    if (msg.type === 'failed') return failAll(new Error(`DynamoDB emulator: ${msg.message}`));
    const i = waiters.findIndex((w) => w.take(msg));
    if (i !== -1) waiters.splice(i, 1);
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`DynamoDB emulator's thread ended (exit code ${code})`)));
  const next = <T extends DynaliteWorkerMessage['type']>(
    type: T,
    which: (msg: Extract<DynaliteWorkerMessage, { type: T }>) => boolean = () => true,
  ) =>
    new Promise<Extract<DynaliteWorkerMessage, { type: T }>>((resolve, reject) => {
      waiters.push({
        take: (msg) => {
          if (msg.type !== type || !which(msg as Extract<DynaliteWorkerMessage, { type: T }>)) return false;
          resolve(msg as Extract<DynaliteWorkerMessage, { type: T }>);
          return true;
        },
        fail: reject,
      });
    });
  let imports = 0;
  let ready: Extract<DynaliteWorkerMessage, { type: 'ready' }>;
  try {
    ready = await next('ready');
  } catch (err) {
    await worker.terminate();
    throw err;
  }
  const counters = new Int32Array(counts);
  return {
    endpoint: `http://127.0.0.1:${ready.port}`,
    get calls() {
      const calls = new Map<string, number>();
      OPERATIONS.forEach((op, i) => {
        const n = Atomics.load(counters, i);
        if (n > 0) calls.set(op, n);
      });
      const other = Atomics.load(counters, OPERATIONS.length);
      if (other > 0) calls.set('other', other);
      return calls;
    },
    async breakdown() {
      const reply = next('breakdown');
      worker.postMessage({ type: 'breakdown' });
      return new Map((await reply).calls);
    },
    staleIndexEntries: ready.stale,
    upgradedIndexes: ready.upgradedIndexes,
    async importItems(table, items) {
      const id = ++imports;
      const reply = next('imported', (msg) => msg.id === id);
      worker.postMessage({ type: 'import', id, table, items });
      return (await reply).count;
    },
    async stop() {
      const stopped = next('stopped');
      worker.postMessage({ type: 'stop' });
      try {
        await stopped;
      } finally {
        await worker.terminate();
      }
    },
  };
}

/**
 * The embedded AWS emulators: dynalite (DynamoDB API, LevelDB on disk: see
 * {@link startDynamoEmulator}) and fauxqs (SQS and S3, SQLite on disk), each in a worker thread
 * of this process. Both keep their state under the data folder across restarts, crashes included.
 */
export async function startEmulators(dataDir: string): Promise<Emulators> {
  const dynamo = await startDynamoEmulator(dataDir);
  let sqs: { port: number; stop(): Promise<void> };
  try {
    sqs = await startSqsEmulator(dataDir);
  } catch (err) {
    await dynamo.stop();
    throw err;
  }
  const loopback = `http://127.0.0.1:${sqs.port}`;
  return {
    dynamodb: dynamo.endpoint,
    get dynamoCalls() {
      return dynamo.calls;
    },
    dynamoCallBreakdown: () => dynamo.breakdown(),
    sqs: loopback,
    s3: loopback,
    staleIndexEntries: dynamo.staleIndexEntries,
    upgradedIndexes: dynamo.upgradedIndexes,
    async stop() {
      await sqs.stop();
      await dynamo.stop();
    },
  };
}

/** fauxqs (SQS and S3, SQLite in `dataDir/fauxqs`) in a worker thread (./fauxqs-worker.ts). */
async function startSqsEmulator(dataDir: string): Promise<{ port: number; stop(): Promise<void> }> {
  const worker = new Worker(new URL('./fauxqs-worker.ts', import.meta.url), {
    workerData: { dataDir } satisfies FauxqsWorkerData,
  });
  const next = async <T extends FauxqsWorkerMessage['type']>(type: T) => {
    for (;;) {
      const [msg] = (await once(worker, 'message')) as [FauxqsWorkerMessage];
      if (msg.type === 'failed') throw new Error(`SQS and S3 emulator: ${msg.message}`);
      if (msg.type === type) return msg as Extract<FauxqsWorkerMessage, { type: T }>;
    }
  };
  let ready: Extract<FauxqsWorkerMessage, { type: 'ready' }>;
  try {
    ready = await next('ready');
  } catch (err) {
    await worker.terminate();
    throw err;
  }
  return {
    port: ready.port,
    async stop() {
      const stopped = next('stopped');
      worker.postMessage({ type: 'stop' });
      try {
        await stopped;
      } finally {
        await worker.terminate();
      }
    },
  };
}
