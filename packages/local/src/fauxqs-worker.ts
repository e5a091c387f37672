import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { startFauxqs } from 'fauxqs';

/**
 * The SQS and S3 emulator's thread (see ./emulators.ts): fauxqs, SQLite in the data folder. Its
 * writes (a queue message or an object is committed before the call is answered) block the
 * thread they run on, so they run on this one, not the functions'.
 */
export interface FauxqsWorkerData {
  dataDir: string;
}

export type FauxqsWorkerMessage =
  | { type: 'ready'; port: number }
  | { type: 'stopped' }
  | { type: 'failed'; message: string };

const { dataDir } = workerData as FauxqsWorkerData;
const port = parentPort!;
try {
  // fauxqs' start helper binds every interface; there is no option to narrow it yet, so clients
  // always use the loopback address.
  const fauxqs = await startFauxqs({ port: 0, logger: false, dataDir: join(dataDir, 'fauxqs') });
  port.on('message', () => {
    fauxqs.stop().then(
      () => port.postMessage({ type: 'stopped' } satisfies FauxqsWorkerMessage),
      (err: Error) =>
        port.postMessage({ type: 'failed', message: err.message } satisfies FauxqsWorkerMessage),
    );
  });
  port.postMessage({ type: 'ready', port: fauxqs.port } satisfies FauxqsWorkerMessage);
} catch (err) {
  port.postMessage({
    type: 'failed',
    message: (err as Error).stack ?? String(err),
  } satisfies FauxqsWorkerMessage);
}
