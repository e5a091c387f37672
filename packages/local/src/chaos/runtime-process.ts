import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Endpoints, readEndpoints } from '../endpoints.ts';

const ROOT = resolve(import.meta.dirname, '../../../..');
const MAIN = join(ROOT, 'packages/local/src/main.ts');
/** The project's Node (a devDependency, as `npm start` uses), else this one. */
const NODE = existsSync(join(ROOT, 'node_modules/.bin/node'))
  ? join(ROOT, 'node_modules/.bin/node')
  : process.execPath;

export interface RuntimeProcess {
  endpoints: Endpoints;
  pid: number;
  /** Everything it printed so far. */
  output(): string;
  /** SIGKILL, as a crash or the OOM killer would; resolves once it is gone. */
  kill(): Promise<void>;
  /** Ctrl-C, as a user stops it; resolves with the exit code. */
  stop(): Promise<number | string | null>;
}

/**
 * Starts the local runtime as a user does (`npm start`: its own process, on the data folder) and
 * waits until it is ready (it printed its banner and wrote endpoints.json). The first start takes
 * free ports; a restart takes the HTTP port the previous run had, as a user with a fixed
 * PSA_HTTP_PORT would: the origin names the token issuer, so tokens stay valid across restarts.
 * Everything it prints is appended to `logFile`.
 */
export async function startRuntime(
  dataDir: string,
  env: Record<string, string>,
  logFile: string,
  readyTimeoutMs = 60_000,
): Promise<RuntimeProcess> {
  const previousPort = await readFile(join(dataDir, 'endpoints.json'), 'utf8').then(
    (text) => new URL((JSON.parse(text) as { http: string }).http).port,
    () => '0',
  );
  await rm(join(dataDir, 'endpoints.json'), { force: true });
  const child: ChildProcess = spawn(NODE, ['--disable-warning=ExperimentalWarning', MAIN], {
    cwd: ROOT,
    env: {
      ...process.env,
      PSA_HTTP_PORT: previousPort,
      PSA_SMTP_PORT: '0',
      PSA_DATA_DIR: dataDir,
      PSA_LOG_LEVEL: 'WARN',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const log = createWriteStream(logFile, { flags: 'a' });
  const keep = (d: Buffer) => {
    log.write(d);
    // In memory, the tail only: a long run under faults logs a lot.
    out += d;
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | string | null>((r) =>
    child.once('exit', (code, signal) => {
      log.end();
      r(code ?? signal);
    }),
  );
  const deadline = Date.now() + readyTimeoutMs;
  while (!(out.includes('Press Ctrl-C') && existsSync(join(dataDir, 'endpoints.json')))) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the local runtime exited before it was ready:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the local runtime was not ready in ${readyTimeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    endpoints: await readEndpoints(dataDir),
    pid: child.pid!,
    output: () => out,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGINT');
      return exited;
    },
  };
}
