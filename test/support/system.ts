import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { main as tokenCli } from '@psa/local/cli/token';
import { type Endpoints, readEndpoints } from '@psa/local/endpoints';

const ROOT = resolve(import.meta.dirname, '../..');
const NODE = join(ROOT, 'node_modules/.bin/node');

export interface RunningSystem {
  endpoints: Endpoints;
  dataDir: string;
  pid: number;
  output: () => string;
  /** Ctrl-C, as a user would; resolves with the exit code. */
  stop: () => Promise<number | null>;
  /** SIGKILL, as a crash or an OOM killer would; resolves once the process is gone. */
  kill: () => Promise<void>;
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  exited: Promise<number | string | null>;
}

export const newDataDir = () => mkdtemp(join(tmpdir(), 'psa-e2e-'));
export const removeDataDir = (dir: string) => rm(dir, { recursive: true, force: true });

/**
 * Start the local runtime exactly as `npm start` does and wait until ready: on free ports the
 * first time, and again on the same HTTP port when restarted on the same data folder, as a user
 * with a fixed PSA_HTTP_PORT would (the port is part of the issuer its tokens name).
 */
export async function startSystem(dataDir: string, env: Record<string, string> = {}): Promise<RunningSystem> {
  const previousPort = await readEndpoints(dataDir).then(
    (e) => new URL(e.http).port,
    () => '0',
  );
  await rm(join(dataDir, 'endpoints.json'), { force: true });
  const { child, output, exited } = spawnRuntime(dataDir, env, previousPort);
  const deadline = Date.now() + 30_000;
  while (!(output().includes('Press Ctrl-C') && existsSync(join(dataDir, 'endpoints.json')))) {
    if (child.exitCode !== null) throw new Error(`local runtime exited early:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`local runtime not ready in 30 s:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    endpoints: await readEndpoints(dataDir),
    dataDir,
    pid: child.pid!,
    output,
    exited,
    stop: async () => {
      child.kill('SIGINT');
      const code = await exited;
      return typeof code === 'number' ? code : null;
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Start the local runtime and wait for it to exit (a start that must fail); never waits for ready. */
export async function runToExit(
  dataDir: string,
  env: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<{ code: number | string | null; output: string }> {
  const { child, output, exited } = spawnRuntime(dataDir, env);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await exited;
  clearTimeout(timer);
  return { code, output: output() };
}

function spawnRuntime(dataDir: string, env: Record<string, string>, httpPort = '0') {
  const child: ChildProcess = spawn(
    NODE,
    ['--disable-warning=ExperimentalWarning', join(ROOT, 'packages/local/src/main.ts')],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        PSA_HTTP_PORT: httpPort,
        PSA_SMTP_PORT: '0',
        PSA_DATA_DIR: dataDir,
        PSA_LOG_LEVEL: 'WARN',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | string | null>((r) =>
    child.once('exit', (code, signal) => r(code ?? signal)),
  );
  return { child, output: () => out, exited };
}

/** Poll until `fn` returns a value the predicate accepts (the system is eventually consistent). */
export async function eventually<T>(
  fn: () => Promise<T>,
  accept: (v: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  do {
    last = await fn();
    if (accept(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  } while (Date.now() < deadline);
  throw new Error(`condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
}

/** A small HTTP client for the API, as a user's script would write it. */
export function api(base: string, token?: string) {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: test client returns whatever JSON the API sent
    return { status: res.status, body: (text ? JSON.parse(text) : null) as any };
  };
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body: unknown, headers?: Record<string, string>) =>
      call('POST', path, body, headers),
  };
}

/**
 * A local bearer token, exactly as `npm run -s psa -- token ...` prints it: signed with the local
 * provider's key for the issuer of the system running on `dataDir` (so start it first).
 */
export async function mintToken(dataDir: string, args: string[]): Promise<string> {
  let printed = '';
  const code = await tokenCli([...args, '--data-dir', dataDir], (l) => {
    printed = l;
  });
  if (code !== 0) throw new Error(`psa token ${args.join(' ')} exited ${code}`);
  return printed;
}

/** A message taken off a queue: its JSON body and its string message attributes. */
export interface ReceivedMessage {
  body: unknown;
  attributes: Record<string, string | undefined>;
}

/**
 * Take messages off a queue of the local runtime until at least `count` have come, deleting each
 * as a consumer would (a batch may bring more: a test that expects exactly `count` sees extras);
 * fails when fewer than `count` arrive within `timeoutMs`. Long polls, so it returns as soon as they come.
 */
export async function receiveMessages(
  system: RunningSystem,
  queueUrl: string,
  count: number,
  timeoutMs = 15_000,
): Promise<ReceivedMessage[]> {
  const sqs = new SQSClient({
    endpoint: system.endpoints.sqs,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const got: ReceivedMessage[] = [];
  const deadline = Date.now() + timeoutMs;
  try {
    while (got.length < count) {
      if (Date.now() > deadline) {
        throw new Error(`${got.length} of ${count} messages on ${queueUrl} in ${timeoutMs} ms`);
      }
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          MessageAttributeNames: ['All'],
        }),
      );
      for (const m of out.Messages ?? []) {
        got.push({
          body: JSON.parse(m.Body!),
          attributes: Object.fromEntries(
            Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]),
          ),
        });
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
      }
    }
    return got;
  } finally {
    sqs.destroy();
  }
}
