import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What `npm start` writes to `$PSA_DATA_DIR/endpoints.json` once it is ready. */
export interface Endpoints {
  /** The one HTTP origin: the API under /v1, the OpenID provider under /oidc, the web app. */
  http: string;
  /** The web app (sign-in landing and requester portal). */
  web: string;
  /** The local OpenID provider's issuer (`<http>/oidc`): tokens must name it. */
  issuer: string;
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
