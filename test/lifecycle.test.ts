import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  eventually,
  mintToken,
  newDataDir,
  type RunningSystem,
  removeDataDir,
  runToExit,
  startSystem,
} from './support/system.ts';

/**
 * Starting and stopping the local runtime as a user does: a second `npm start` on a folder in
 * use says so and leaves the first alone; Ctrl-C stops accepting at once, even from clients on
 * keep-alive connections, lets what is in flight finish and exits; nothing it answered is lost.
 */
let dataDir: string;
let token: string;
let system: RunningSystem | undefined;

beforeAll(async () => {
  dataDir = await newDataDir();
});

/** Tokens name the running system's issuer (its origin), so they are minted once it has started. */
const mint = () =>
  mintToken(dataDir, ['--tenant', 'acme', '--role', 'internal', '--email', 'it@acme.example']);
afterAll(async () => {
  await system?.stop();
  await removeDataDir(dataDir);
});

/** One ticket over a kept-alive connection, as a busy API client sends it. */
function submit(http: string, agent: Agent, i: number): Promise<{ status: number; id?: string }> {
  const body = JSON.stringify({
    subject: `Locked out of my account (${i})`,
    body: 'Forgot my password.',
    requester: { email: `user${i % 10}@acme.example` },
  });
  return new Promise((resolve, reject) => {
    const req = request(
      `${http}/v1/tenants/acme/tickets`,
      {
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode!, id: res.statusCode === 201 ? JSON.parse(text).id : undefined }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('the local runtime’s lifecycle', () => {
  it('refuses a second start on a data folder in use, at once and saying why; the first runs on', async () => {
    system = await startSystem(dataDir);
    const second = await runToExit(dataDir);
    expect(second.code).toBe(1);
    expect(second.output).toMatch(
      new RegExp(`data folder .* is in use by another local runtime \\(pid ${system.pid}`),
    );
    expect(second.output).not.toMatch(/Database is closed/);
    expect((await api(system.endpoints.http).get('/openapi.json')).status).toBe(200);
  });

  it('on Ctrl-C accepts nothing more, even on kept-alive connections, exits, and keeps every ticket it answered', async () => {
    system ??= await startSystem(dataDir);
    token = await mint();
    const running = system;
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const answered: string[] = [];
    const afterSignal: number[] = [];
    let signalSeen = false;
    let next = 0;
    const client = async () => {
      for (;;) {
        const sentAfterSignal = signalSeen;
        const res = await submit(running.endpoints.http, agent, next++).catch(() => undefined);
        if (!res) return; // connection closed or refused: the runtime is going away
        if (res.id) answered.push(res.id);
        if (sentAfterSignal) afterSignal.push(res.status);
        if (res.status === 503) return;
      }
    };
    const clients = Promise.all(Array.from({ length: 4 }, client));
    await eventually(
      async () => answered.length,
      (n) => n >= 20,
    );

    const exited = running.exited;
    process.kill(running.pid, 'SIGINT');
    await eventually(
      async () => running.output(),
      (out) => out.includes('SIGINT: stopping'),
    );
    signalSeen = true;
    const code = await Promise.race([
      exited,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('still running 30 s after SIGINT')), 30_000),
      ),
    ]);
    await clients;
    agent.destroy();
    system = undefined;
    expect(code).toBe(0);
    expect(running.output()).toMatch(/stopped in \d+ ms/);
    // Requests sent once the runtime said it was stopping were refused or cut, never accepted.
    expect(afterSignal.filter((s) => s === 201)).toEqual([]);

    system = await startSystem(dataDir);
    const http = system.endpoints.http;
    for (const id of answered) {
      const t = await eventually(
        () => api(http, token).get(`/v1/tenants/acme/tickets/${id}`),
        (r) => r.status === 200 && r.body.owner !== null,
        60_000,
      );
      expect(t.body.owner).toBe('partner');
    }
  });
});
