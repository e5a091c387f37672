import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  mintToken,
  newDataDir,
  type RunningSystem,
  removeDataDir,
  startSystem,
} from './support/system.ts';

/**
 * `npm run smoke` against the local runtime exactly as against a deployment: the script only
 * knows the API's URL and a token.
 */
const ROOT = resolve(import.meta.dirname, '..');

let dataDir: string;
let system: RunningSystem;
let token: string;

beforeAll(async () => {
  dataDir = await newDataDir();
  system = await startSystem(dataDir);
  // Tokens name the running system's issuer, so they are minted once it has started.
  token = await mintToken(dataDir, [
    '--tenant',
    'acme',
    '--role',
    'internal',
    '--email',
    'oncall@acme.example',
  ]);
});
afterAll(async () => {
  await system?.stop();
  await removeDataDir(dataDir);
});

function smoke(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(join(ROOT, 'node_modules/.bin/node'), [join(ROOT, 'infra/scripts/smoke.ts'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((done) => child.once('close', (code) => done({ code, output })));
}

describe('npm run smoke', () => {
  it('walks a ticket through to routed, on its queue and closed, reads a report, and passes', async () => {
    const { code, output } = await smoke(['--api', system.endpoints.http, '--token', token]);
    expect(code, output).toBe(0);
    for (const step of ['health', 'openapi', 'submit', 'routed', 'queue', 'report', 'cleanup'])
      expect(output).toMatch(new RegExp(`^ok {4}${step} `, 'm'));
    expect(output).toContain('smoke: passed');

    // It left nothing open: its ticket is closed, filed for the mailbox simulator.
    const list = await api(system.endpoints.http, token).get('/v1/tenants/acme/tickets?limit=100');
    const mine = list.body.items.filter((t: { subject: string }) => t.subject.startsWith('[smoke '));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      status: 'closed',
      requester: { email: 'success@simulator.amazonses.com' },
    });
  });

  it('exits 1 naming the step that failed: a token the API refuses fails at health', async () => {
    // A leadership token reads reports, not tickets: the check needs internal IT's.
    const leadership = await mintToken(dataDir, [
      '--tenant',
      'acme',
      '--role',
      'leadership',
      '--email',
      'coo@acme.example',
    ]);
    for (const refused of [leadership, 'not-a-jwt']) {
      const { code, output } = await smoke([
        '--api',
        system.endpoints.http,
        '--token',
        refused,
        '--tenant',
        'acme',
      ]);
      expect(code).toBe(1);
      expect(output).toMatch(/^FAIL {2}health {3}the API refused the token \(40[13]\)/m);
      expect(output).toContain("smoke: FAILED at step 'health'");
      expect(output).not.toMatch(/^ok {4}submit/m);
    }
  });

  it('exits 1 at health when nothing answers at the URL', async () => {
    const { code, output } = await smoke(['--api', 'http://127.0.0.1:9', '--token', token]);
    expect(code).toBe(1);
    expect(output).toContain("smoke: FAILED at step 'health'");
  });

  it('exits 2 with its usage when the API or the token is missing', async () => {
    expect((await smoke(['--token', token])).code).toBe(2);
    expect((await smoke(['--api', system.endpoints.http])).code).toBe(2);
  });
});
