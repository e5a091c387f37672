import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What `npm start` writes to `$PSA_DATA_DIR/endpoints.json` once it is ready. */
export interface Endpoints {
  http: string;
  smtp: string | null;
  dynamodb: string;
  sqs: string;
  s3: string;
  eventbridge: string;
  queues: { partner: string; internal: string; triage: string };
  table: string;
  bucket: string;
  /** The folder of dead letters: deliveries given up after their retries or maximum age. */
  deadLetters?: string;
}

export async function readEndpoints(dataDir: string): Promise<Endpoints> {
  return JSON.parse(await readFile(join(dataDir, 'endpoints.json'), 'utf8')) as Endpoints;
}

export async function writeEndpoints(dataDir: string, endpoints: Endpoints): Promise<void> {
  await writeFile(join(dataDir, 'endpoints.json'), `${JSON.stringify(endpoints, null, 2)}\n`);
}

/** A key for signing local tokens, created once and kept in the data folder (never in code). */
export async function authKeyFile(dataDir: string): Promise<string> {
  const file = join(dataDir, 'auth.key');
  if (!existsSync(file)) await writeFile(file, randomBytes(32), { mode: 0o600 });
  return file;
}
